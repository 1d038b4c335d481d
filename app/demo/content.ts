/** Material for the generated demo shop: brands, names and comments in the shoppers' languages. */

/** Brand name, how much its products please (score bias), and whether its parcels tend to arrive late. */
export const DEMO_VENDORS: Array<{ name: string; quality: number; slowShipping: boolean }> = [
  { name: "Alpine Thread", quality: 0.8, slowShipping: false },
  { name: "Brisk Coffee Co.", quality: 1.2, slowShipping: false },
  { name: "Cedar & Stone", quality: 0.4, slowShipping: true },
  { name: "Dune Leather", quality: -0.6, slowShipping: false },
  { name: "Ember Candles", quality: 0.9, slowShipping: false },
  { name: "Fjord Outdoor", quality: 0.2, slowShipping: true },
  { name: "Glasshouse Botanics", quality: 1.0, slowShipping: false },
  { name: "Harbor Ceramics", quality: -0.2, slowShipping: true },
  { name: "Indigo Loom", quality: 0.5, slowShipping: false },
  { name: "Juniper Kids", quality: 0.3, slowShipping: false },
  { name: "Kestrel Optics", quality: -1.4, slowShipping: false },
  { name: "Lumen Lighting", quality: 0.1, slowShipping: true },
  { name: "Maple Pantry", quality: 1.1, slowShipping: false },
  { name: "Nordlys Wool", quality: 0.7, slowShipping: false },
  { name: "Orchard Skincare", quality: 0.6, slowShipping: false },
  { name: "Pebble Audio", quality: -0.9, slowShipping: true },
  { name: "Quill & Ink", quality: 1.3, slowShipping: false },
  { name: "Riverbend Tea", quality: 0.9, slowShipping: false },
  { name: "Saltmarsh Swim", quality: -0.3, slowShipping: false },
  { name: "Tidewater Home", quality: 0.0, slowShipping: true },
  { name: "Umber Bags", quality: -0.5, slowShipping: false },
  { name: "Verde Garden", quality: 0.4, slowShipping: true },
  { name: "Wildfern Pets", quality: 1.0, slowShipping: false },
  { name: "Xeno Gaming", quality: -1.8, slowShipping: true },
  { name: "Yarrow Apothecary", quality: 0.8, slowShipping: false },
  { name: "Zephyr Cycling", quality: -0.1, slowShipping: false },
  { name: "Atelier Müller", quality: 0.5, slowShipping: false },
  { name: "Bodega Sol", quality: 0.2, slowShipping: false },
  { name: "Café Lumière", quality: 0.9, slowShipping: false },
  { name: "De Groene Fiets", quality: 0.3, slowShipping: true },
  { name: "Estrella Textil", quality: -0.4, slowShipping: false },
  { name: "Forge Kitchenware", quality: 0.6, slowShipping: false },
  { name: "Granite Fitness", quality: -1.1, slowShipping: true },
  { name: "Hearth Bakery Tools", quality: 0.7, slowShipping: false },
  { name: "Isla Jewellery", quality: 0.0, slowShipping: false },
  { name: "Koji Ferments", quality: 1.2, slowShipping: false },
  { name: "Linden Paper", quality: 0.9, slowShipping: false },
  { name: "Meadow Linen", quality: 0.5, slowShipping: true },
  { name: "Nimbus Umbrellas", quality: -0.7, slowShipping: false },
  { name: "Oak & Anvil", quality: 0.3, slowShipping: false },
];

export const DEMO_LOCALES: Array<{ locale: string; weight: number; country: string }> = [
  { locale: "en", weight: 52, country: "GB" },
  { locale: "fr", weight: 14, country: "FR" },
  { locale: "de", weight: 14, country: "DE" },
  { locale: "es", weight: 10, country: "ES" },
  { locale: "nl", weight: 10, country: "NL" },
];

export const FIRST_NAMES = [
  "Olivia",
  "Liam",
  "Emma",
  "Noah",
  "Chloé",
  "Lucas",
  "Léa",
  "Hugo",
  "Mia",
  "Lukas",
  "Hannah",
  "Jonas",
  "Lucía",
  "Mateo",
  "Sofía",
  "Daan",
  "Sanne",
  "Bram",
  "Zoë",
  "Ángel",
  "Jürgen",
  "Åsa",
  "Inès",
  "Renée",
];
export const LAST_NAMES = [
  "Smith",
  "Jones",
  "Taylor",
  "Martin",
  "Bernard",
  "Dubois",
  "Müller",
  "Schmidt",
  "Schneider",
  "García",
  "Fernández",
  "López",
  "de Vries",
  "Jansen",
  "van Dijk",
  "O'Brien",
  "Nguyen",
  "Kowalski",
  "Rossi",
  "Øster",
];

/**
 * What the demo's comments tell a merchant who looks: one brand's parcels arrive broken, another
 * brand's sizes are off (both after delivery), and a courier lost parcels in one recent week.
 */
export const DEMO_STORY = {
  damagedBrand: "Harbor Ceramics",
  sizingBrand: "Saltmarsh Swim",
  courierWeeksAgo: 3,
} as const;

export const DEMO_ASSIGNEES = ["Maya (support)", "Tom (founder)", "Inès (CX lead)"];
