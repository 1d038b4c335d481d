import type { ScoreCategory } from "../generated/prisma/enums";
import type { ShopSettings } from "./settings";
import type { ShopperLocale } from "./shopper-locales";

type Stage = "PRE_DELIVERY" | "POST_DELIVERY";

export interface ShopperTexts {
  subject: Record<Stage, string>;
  intro: Record<Stage, string>;
  question: string;
  notLikely: string;
  veryLikely: string;
  scoreLabel: string;
  followUp: Record<ScoreCategory, string>;
  commentHint: string;
  send: string;
  thanks: string;
  thanksComment: string;
  changeAnswer: string;
  orderLabel: string;
  unsubscribe: string;
  unsubscribeConfirm: string;
  unsubscribed: string;
  expired: string;
  notFound: string;
  /** The share step after an answer; {offer} is the friend's discount, {site} a review site's name. */
  share: {
    title: string;
    referral: string;
    codeLabel: string;
    copy: string;
    copied: string;
    shareLink: string;
    linkLabel: string;
    shareText: string;
    pending: string;
    unavailable: string;
    reviewProduct: string;
    reviewSite: string;
    reviewButton: string;
    linkGone: string;
    emailSubject: string;
    emailSubjectThanks: string;
    emailIntro: string;
  };
  /**
   * The apology email a merchant sends from a detractor's case. {greeting} opens it, {offer}
   * is the offer's paragraph (empty without a code), which names {discount}, {code} and
   * {valid_until}.
   */
  apology: {
    subject: string;
    body: string;
    offer: string;
    greeting: string;
    greetingNoName: string;
  };
}

/** {shop}, {order} and the share step's placeholders are replaced when a text is used. */
export const SHOPPER_TEXTS: Record<ShopperLocale, ShopperTexts> = {
  en: {
    subject: {
      PRE_DELIVERY: "How was your order at {shop}?",
      POST_DELIVERY: "Your {shop} order has arrived: how did we do?",
    },
    intro: {
      PRE_DELIVERY: "Thank you for your order {order}. One quick question about shopping with us:",
      POST_DELIVERY: "Your order {order} should be with you now. One quick question:",
    },
    question: "How likely are you to recommend {shop} to a friend or colleague?",
    notLikely: "0 = not at all likely",
    veryLikely: "10 = extremely likely",
    scoreLabel: "Your score from 0 to 10",
    followUp: {
      PROMOTER: "What did you enjoy most about your experience with us?",
      PASSIVE: "What could we do to improve your experience?",
      DETRACTOR: "What disappointed you most, and how can we put it right?",
    },
    commentHint: "Optional, up to 2,000 characters",
    send: "Send",
    thanks: "Thank you for your answer!",
    thanksComment: "Thank you, we read every comment.",
    changeAnswer: "You can change your answer until the survey closes.",
    orderLabel: "Order {order}",
    unsubscribe: "Don't want these emails? Unsubscribe",
    unsubscribeConfirm: "Stop survey emails from {shop}",
    unsubscribed: "You will not receive survey emails from {shop} again.",
    expired: "This survey has closed. Thank you all the same!",
    notFound: "We could not find this survey. The link may be incomplete.",
    share: {
      title: "Share the love",
      referral: "Give your friends {offer} off their order with your personal code:",
      codeLabel: "Your code",
      copy: "Copy code",
      copied: "Copied",
      shareLink: "Share a link with the code",
      linkLabel: "Link for your friends",
      shareText: "{offer} off at {shop} with my code {code}",
      pending: "Your code is being created. Refresh this page in a moment to see it.",
      unavailable: "We could not create your code just now. The shop will follow up.",
      reviewProduct: "Would you also review what you bought? It helps other shoppers.",
      reviewSite: "Would you tell others about your experience on {site}?",
      reviewButton: "Write a review",
      linkGone: "This link is no longer available.",
      emailSubject: "Thank you from {shop}: a gift for your friends",
      emailSubjectThanks: "Thank you from {shop}",
      emailIntro: "Thank you for your answer. If you would like to tell others about {shop}:",
    },
    apology: {
      subject: "We're sorry about your order {order}",
      body: "{greeting}\n\nThank you for telling us how your order {order} went. We're sorry it was not what you expected from {shop}.\n\n{offer}\n\nIf there is anything more we can do, just reply to this email.\n\nThe {shop} team",
      offer:
        "As an apology, here is {discount} off your next order with the code {code}. It is for you only, can be used once, and is valid until {valid_until}.",
      greeting: "Hello {first_name},",
      greetingNoName: "Hello,",
    },
  },
  fr: {
    subject: {
      PRE_DELIVERY: "Comment s'est passée votre commande chez {shop} ?",
      POST_DELIVERY: "Votre commande {shop} est arrivée : votre avis ?",
    },
    intro: {
      PRE_DELIVERY: "Merci pour votre commande {order}. Une petite question sur votre achat :",
      POST_DELIVERY: "Votre commande {order} devrait vous être parvenue. Une petite question :",
    },
    question: "Quelle est la probabilité que vous recommandiez {shop} à un ami ou un collègue ?",
    notLikely: "0 = pas du tout probable",
    veryLikely: "10 = très probable",
    scoreLabel: "Votre note de 0 à 10",
    followUp: {
      PROMOTER: "Qu'avez-vous le plus apprécié dans votre expérience avec nous ?",
      PASSIVE: "Que pourrions-nous faire pour améliorer votre expérience ?",
      DETRACTOR: "Qu'est-ce qui vous a le plus déçu, et comment pouvons-nous y remédier ?",
    },
    commentHint: "Facultatif, 2 000 caractères au plus",
    send: "Envoyer",
    thanks: "Merci pour votre réponse !",
    thanksComment: "Merci, nous lisons chaque commentaire.",
    changeAnswer: "Vous pouvez modifier votre réponse jusqu'à la clôture de l'enquête.",
    orderLabel: "Commande {order}",
    unsubscribe: "Vous ne souhaitez plus recevoir ces e-mails ? Se désabonner",
    unsubscribeConfirm: "Ne plus recevoir les enquêtes de {shop}",
    unsubscribed: "Vous ne recevrez plus d'enquêtes par e-mail de {shop}.",
    expired: "Cette enquête est close. Merci tout de même !",
    notFound: "Nous n'avons pas trouvé cette enquête. Le lien est peut-être incomplet.",
    share: {
      title: "Faites-en profiter vos proches",
      referral: "Offrez à vos amis {offer} de réduction sur leur commande avec votre code personnel :",
      codeLabel: "Votre code",
      copy: "Copier le code",
      copied: "Copié",
      shareLink: "Partager un lien avec le code",
      linkLabel: "Lien pour vos amis",
      shareText: "{offer} de réduction chez {shop} avec mon code {code}",
      pending: "Votre code est en cours de création. Actualisez cette page dans un instant pour le voir.",
      unavailable: "Nous n'avons pas pu créer votre code pour le moment. La boutique reviendra vers vous.",
      reviewProduct: "Voulez-vous aussi donner votre avis sur votre achat ? Cela aide d'autres clients.",
      reviewSite: "Voulez-vous partager votre expérience sur {site} ?",
      reviewButton: "Donner mon avis",
      linkGone: "Ce lien n'est plus disponible.",
      emailSubject: "Merci de la part de {shop} : un cadeau pour vos amis",
      emailSubjectThanks: "Merci de la part de {shop}",
      emailIntro: "Merci pour votre réponse. Si vous souhaitez parler de {shop} autour de vous :",
    },
    apology: {
      subject: "Toutes nos excuses pour votre commande {order}",
      body: "{greeting}\n\nMerci de nous avoir dit comment s'est passée votre commande {order}. Nous sommes désolés qu'elle n'ait pas été à la hauteur de ce que vous attendiez de {shop}.\n\n{offer}\n\nSi nous pouvons faire autre chose, il vous suffit de répondre à cet e-mail.\n\nL'équipe {shop}",
      offer:
        "Pour nous excuser, voici {discount} de réduction sur votre prochaine commande avec le code {code}. Il est réservé à vous, utilisable une fois et valable jusqu'au {valid_until}.",
      greeting: "Bonjour {first_name},",
      greetingNoName: "Bonjour,",
    },
  },
  de: {
    subject: {
      PRE_DELIVERY: "Wie war Ihre Bestellung bei {shop}?",
      POST_DELIVERY: "Ihre Bestellung bei {shop} ist angekommen: Wie waren wir?",
    },
    intro: {
      PRE_DELIVERY: "Vielen Dank für Ihre Bestellung {order}. Eine kurze Frage zu Ihrem Einkauf:",
      POST_DELIVERY: "Ihre Bestellung {order} sollte inzwischen bei Ihnen sein. Eine kurze Frage:",
    },
    question: "Wie wahrscheinlich ist es, dass Sie {shop} einem Freund oder Kollegen empfehlen?",
    notLikely: "0 = überhaupt nicht wahrscheinlich",
    veryLikely: "10 = äußerst wahrscheinlich",
    scoreLabel: "Ihre Bewertung von 0 bis 10",
    followUp: {
      PROMOTER: "Was hat Ihnen an Ihrem Einkauf bei uns am besten gefallen?",
      PASSIVE: "Was könnten wir tun, um Ihr Erlebnis zu verbessern?",
      DETRACTOR: "Was hat Sie am meisten enttäuscht, und wie können wir es wiedergutmachen?",
    },
    commentHint: "Freiwillig, höchstens 2.000 Zeichen",
    send: "Senden",
    thanks: "Vielen Dank für Ihre Antwort!",
    thanksComment: "Danke, wir lesen jeden Kommentar.",
    changeAnswer: "Sie können Ihre Antwort ändern, bis die Umfrage endet.",
    orderLabel: "Bestellung {order}",
    unsubscribe: "Keine solchen E-Mails mehr? Abmelden",
    unsubscribeConfirm: "Keine Umfrage-E-Mails mehr von {shop}",
    unsubscribed: "Sie erhalten keine Umfrage-E-Mails mehr von {shop}.",
    expired: "Diese Umfrage ist beendet. Trotzdem vielen Dank!",
    notFound: "Wir konnten diese Umfrage nicht finden. Der Link ist vielleicht unvollständig.",
    share: {
      title: "Weitersagen lohnt sich",
      referral: "Schenken Sie Ihren Freunden {offer} Rabatt auf ihre Bestellung mit Ihrem persönlichen Code:",
      codeLabel: "Ihr Code",
      copy: "Code kopieren",
      copied: "Kopiert",
      shareLink: "Link mit dem Code teilen",
      linkLabel: "Link für Ihre Freunde",
      shareText: "{offer} Rabatt bei {shop} mit meinem Code {code}",
      pending: "Ihr Code wird gerade erstellt. Laden Sie diese Seite gleich neu, um ihn zu sehen.",
      unavailable: "Wir konnten Ihren Code gerade nicht erstellen. Der Shop meldet sich bei Ihnen.",
      reviewProduct: "Möchten Sie auch Ihren Kauf bewerten? Das hilft anderen Kunden.",
      reviewSite: "Möchten Sie anderen auf {site} von Ihrer Erfahrung erzählen?",
      reviewButton: "Bewertung schreiben",
      linkGone: "Dieser Link ist nicht mehr verfügbar.",
      emailSubject: "Danke von {shop}: ein Geschenk für Ihre Freunde",
      emailSubjectThanks: "Danke von {shop}",
      emailIntro: "Danke für Ihre Antwort. Wenn Sie anderen von {shop} erzählen möchten:",
    },
    apology: {
      subject: "Es tut uns leid wegen Ihrer Bestellung {order}",
      body: "{greeting}\n\ndanke, dass Sie uns gesagt haben, wie Ihre Bestellung {order} gelaufen ist. Es tut uns leid, dass sie nicht Ihren Erwartungen an {shop} entsprach.\n\n{offer}\n\nWenn wir noch etwas für Sie tun können, antworten Sie einfach auf diese E-Mail.\n\nIhr Team von {shop}",
      offer:
        "Als Entschuldigung erhalten Sie {discount} Rabatt auf Ihre nächste Bestellung mit dem Code {code}. Er gilt nur für Sie, einmal, bis zum {valid_until}.",
      greeting: "Hallo {first_name},",
      greetingNoName: "Hallo,",
    },
  },
  es: {
    subject: {
      PRE_DELIVERY: "¿Qué tal tu pedido en {shop}?",
      POST_DELIVERY: "Tu pedido de {shop} ha llegado: ¿qué tal lo hicimos?",
    },
    intro: {
      PRE_DELIVERY: "Gracias por tu pedido {order}. Una pregunta rápida sobre tu compra:",
      POST_DELIVERY: "Tu pedido {order} ya debería haber llegado. Una pregunta rápida:",
    },
    question: "¿Qué probabilidad hay de que recomiendes {shop} a un amigo o compañero?",
    notLikely: "0 = nada probable",
    veryLikely: "10 = muy probable",
    scoreLabel: "Tu puntuación de 0 a 10",
    followUp: {
      PROMOTER: "¿Qué es lo que más te gustó de tu experiencia con nosotros?",
      PASSIVE: "¿Qué podríamos hacer para mejorar tu experiencia?",
      DETRACTOR: "¿Qué te decepcionó más y cómo podemos solucionarlo?",
    },
    commentHint: "Opcional, hasta 2000 caracteres",
    send: "Enviar",
    thanks: "¡Gracias por tu respuesta!",
    thanksComment: "Gracias, leemos todos los comentarios.",
    changeAnswer: "Puedes cambiar tu respuesta hasta que cierre la encuesta.",
    orderLabel: "Pedido {order}",
    unsubscribe: "¿No quieres recibir estos correos? Darse de baja",
    unsubscribeConfirm: "Dejar de recibir encuestas de {shop}",
    unsubscribed: "No volverás a recibir encuestas por correo de {shop}.",
    expired: "Esta encuesta ha terminado. ¡Gracias de todos modos!",
    notFound: "No encontramos esta encuesta. Puede que el enlace esté incompleto.",
    share: {
      title: "Compártelo",
      referral: "Regala a tus amigos {offer} de descuento en su pedido con tu código personal:",
      codeLabel: "Tu código",
      copy: "Copiar código",
      copied: "Copiado",
      shareLink: "Compartir un enlace con el código",
      linkLabel: "Enlace para tus amigos",
      shareText: "{offer} de descuento en {shop} con mi código {code}",
      pending: "Estamos creando tu código. Actualiza esta página en un momento para verlo.",
      unavailable: "No pudimos crear tu código ahora mismo. La tienda se pondrá en contacto contigo.",
      reviewProduct: "¿Quieres también valorar lo que compraste? Ayuda a otros compradores.",
      reviewSite: "¿Quieres contar tu experiencia en {site}?",
      reviewButton: "Escribir una reseña",
      linkGone: "Este enlace ya no está disponible.",
      emailSubject: "Gracias de parte de {shop}: un regalo para tus amigos",
      emailSubjectThanks: "Gracias de parte de {shop}",
      emailIntro: "Gracias por tu respuesta. Si quieres hablar de {shop} a otras personas:",
    },
    apology: {
      subject: "Sentimos lo de tu pedido {order}",
      body: "{greeting}\n\nGracias por contarnos cómo fue tu pedido {order}. Sentimos que no estuviera a la altura de lo que esperabas de {shop}.\n\n{offer}\n\nSi podemos hacer algo más, responde a este correo.\n\nEl equipo de {shop}",
      offer:
        "Para disculparnos, aquí tienes un {discount} de descuento en tu próximo pedido con el código {code}. Es solo para ti, se puede usar una vez y es válido hasta el {valid_until}.",
      greeting: "Hola, {first_name}:",
      greetingNoName: "Hola:",
    },
  },
  nl: {
    subject: {
      PRE_DELIVERY: "Hoe was je bestelling bij {shop}?",
      POST_DELIVERY: "Je bestelling bij {shop} is aangekomen: hoe deden we het?",
    },
    intro: {
      PRE_DELIVERY: "Bedankt voor je bestelling {order}. Eén korte vraag over je aankoop:",
      POST_DELIVERY: "Je bestelling {order} zou nu bij je moeten zijn. Eén korte vraag:",
    },
    question: "Hoe waarschijnlijk is het dat je {shop} aanbeveelt aan een vriend of collega?",
    notLikely: "0 = helemaal niet waarschijnlijk",
    veryLikely: "10 = zeer waarschijnlijk",
    scoreLabel: "Je score van 0 tot 10",
    followUp: {
      PROMOTER: "Wat vond je het fijnst aan je ervaring met ons?",
      PASSIVE: "Wat kunnen we doen om je ervaring te verbeteren?",
      DETRACTOR: "Wat stelde je het meest teleur, en hoe kunnen we het goedmaken?",
    },
    commentHint: "Optioneel, maximaal 2.000 tekens",
    send: "Versturen",
    thanks: "Bedankt voor je antwoord!",
    thanksComment: "Bedankt, we lezen elke opmerking.",
    changeAnswer: "Je kunt je antwoord wijzigen tot de enquête sluit.",
    orderLabel: "Bestelling {order}",
    unsubscribe: "Geen e-mails meer? Afmelden",
    unsubscribeConfirm: "Geen enquêtemails meer van {shop}",
    unsubscribed: "Je ontvangt geen enquêtemails meer van {shop}.",
    expired: "Deze enquête is gesloten. Toch bedankt!",
    notFound: "We konden deze enquête niet vinden. Misschien is de link onvolledig.",
    share: {
      title: "Deel het met anderen",
      referral: "Geef je vrienden {offer} korting op hun bestelling met je persoonlijke code:",
      codeLabel: "Jouw code",
      copy: "Code kopiëren",
      copied: "Gekopieerd",
      shareLink: "Deel een link met de code",
      linkLabel: "Link voor je vrienden",
      shareText: "{offer} korting bij {shop} met mijn code {code}",
      pending: "Je code wordt aangemaakt. Vernieuw deze pagina zo om hem te zien.",
      unavailable: "We konden je code nu niet aanmaken. De winkel neemt contact met je op.",
      reviewProduct: "Wil je ook een review schrijven over je aankoop? Dat helpt andere klanten.",
      reviewSite: "Wil je je ervaring delen op {site}?",
      reviewButton: "Review schrijven",
      linkGone: "Deze link is niet meer beschikbaar.",
      emailSubject: "Bedankt van {shop}: een cadeau voor je vrienden",
      emailSubjectThanks: "Bedankt van {shop}",
      emailIntro: "Bedankt voor je antwoord. Wil je anderen over {shop} vertellen?",
    },
    apology: {
      subject: "Het spijt ons van je bestelling {order}",
      body: "{greeting}\n\nBedankt dat je ons liet weten hoe je bestelling {order} is verlopen. Het spijt ons dat die niet was wat je van {shop} verwachtte.\n\n{offer}\n\nKunnen we nog iets voor je doen? Beantwoord dan gewoon deze e-mail.\n\nHet team van {shop}",
      offer:
        "Als excuus krijg je {discount} korting op je volgende bestelling met de code {code}. Hij is alleen voor jou, eenmalig te gebruiken en geldig tot {valid_until}.",
      greeting: "Hallo {first_name},",
      greetingNoName: "Hallo,",
    },
  },
};

const PLACEHOLDERS = [
  "shop",
  "order",
  "offer",
  "site",
  "code",
  "greeting",
  "first_name",
  "discount",
  "valid_until",
] as const;
type Placeholder = (typeof PLACEHOLDERS)[number];
const PLACEHOLDER = new RegExp(`\\{(${PLACEHOLDERS.join("|")})\\}`, "g");

export function fill(text: string, values: Partial<Record<Placeholder, string>>): string {
  return text.replace(PLACEHOLDER, (_m, key: Placeholder) => values[key] ?? "");
}

/** The follow-up question for a category: the merchant's text for the locale, else the default. */
export function followUpQuestion(settings: ShopSettings, locale: ShopperLocale, category: ScoreCategory): string {
  return settings.questions[locale]?.[category] ?? SHOPPER_TEXTS[locale].followUp[category];
}
