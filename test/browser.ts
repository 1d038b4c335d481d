export { CHROMIUM, hasChromium, launchChromium } from "../scripts/lib/chromium";
