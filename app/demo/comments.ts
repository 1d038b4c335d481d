/**
 * The demo shop's comments: written per language as short clauses about one theme each, good
 * or bad, and put together the way shoppers write (an opening, a clause, an ending; a passive's
 * "good, but…"), so that the shop has hundreds of distinct comments whose themes follow the
 * story the seed tells (app/demo/seed.server.ts).
 */

export type DemoLocale = "en" | "fr" | "de" | "es" | "nl";
export type DemoCategory = "PROMOTER" | "PASSIVE" | "DETRACTOR";

interface LanguageBank {
  /** Per theme key: clauses praising it and clauses complaining about it. */
  themes: Record<string, { good: string[]; bad: string[] }>;
  open: Record<DemoCategory, string[]>;
  close: Record<DemoCategory, string[]>;
  /** Joins a passive's praise and complaint: "Lovely mug, but …". */
  but: string;
}

const BANKS: Record<DemoLocale, LanguageBank> = {
  en: {
    themes: {
      delivery_time: {
        good: ["it arrived two days earlier than promised", "super fast delivery", "shipped the same day"],
        bad: ["the parcel arrived a week late", "delivery took far too long", "it was delayed twice"],
      },
      delivery_problem: {
        good: [],
        bad: [
          "the courier never showed up",
          "tracking said delivered but nothing came",
          "my parcel got lost by the carrier",
          "the tracking number does not work",
        ],
      },
      damaged: {
        good: [],
        bad: ["two of the mugs arrived broken", "the vase came cracked", "the lid was dented on arrival"],
      },
      wrong_or_missing: {
        good: [],
        bad: ["they sent the wrong colour", "one item was missing from the box", "I received the wrong size"],
      },
      product_quality: {
        good: ["lovely quality", "the material feels really solid", "beautifully made"],
        bad: ["poor quality for the price", "it stopped working after a week", "the fabric feels cheap"],
      },
      size_fit: {
        good: ["the size guide was spot on", "fits perfectly"],
        bad: ["it runs two sizes small", "far too tight around the chest", "the sizing is all over the place"],
      },
      price_value: {
        good: ["great value for money", "fair prices and free shipping"],
        bad: ["shipping costs were outrageous", "too expensive for what it is", "the discount was not applied"],
      },
      customer_service: {
        good: ["customer service answered within the hour", "the support team was so helpful"],
        bad: ["nobody answered my emails", "customer service was rude", "I could not reach anyone on the phone"],
      },
      returns_refunds: {
        good: ["the return was easy", "I got my refund within two days"],
        bad: ["still waiting for my refund", "returning it costs me money", "the return process is a nightmare"],
      },
      packaging: {
        good: ["the packaging was beautiful", "lovely gift wrapping"],
        bad: ["way too much plastic packaging", "the box was far too big"],
      },
      website_checkout: {
        good: ["the checkout was quick and easy", "easy to find what I wanted on the website"],
        bad: [
          "the payment failed three times",
          "the website kept crashing at checkout",
          "my discount code did not work",
        ],
      },
      stock_range: {
        good: ["a great choice of colours", "lovely range of products"],
        bad: ["half the items were out of stock", "not much choice in my size"],
      },
      // Not a default theme: what the "What no theme covers" page finds in the demo.
      loyalty: {
        good: ["I love collecting the loyalty points"],
        bad: [
          "my loyalty points disappeared",
          "the points from my last purchase never showed up",
          "I could not redeem my reward points",
        ],
      },
    },
    open: {
      PROMOTER: ["Love it!", "Third order this year.", "Wow.", "Very happy."],
      PASSIVE: ["Fine overall.", "Mostly ok.", "Not bad."],
      DETRACTOR: ["Really disappointed.", "Never again.", "Not happy at all.", "Honestly?"],
    },
    close: {
      PROMOTER: ["Thank you!", "Will order again.", "Highly recommend."],
      PASSIVE: ["Could be better.", "We'll see next time."],
      DETRACTOR: ["Very frustrating!", "What a letdown.", "<b>Very</b> frustrating!"],
    },
    but: "but",
  },
  fr: {
    themes: {
      delivery_time: {
        good: ["livraison très rapide", "reçu en deux jours seulement", "expédié le jour même"],
        bad: [
          "colis arrivé avec dix jours de retard",
          "la livraison a pris beaucoup trop de temps",
          "livraison en retard",
        ],
      },
      delivery_problem: {
        good: [],
        bad: [
          "le transporteur a perdu mon colis",
          "le suivi indique livré mais je n'ai rien reçu",
          "le livreur n'est jamais passé",
        ],
      },
      damaged: {
        good: [],
        bad: ["deux tasses sont arrivées cassées", "le vase était fêlé", "le produit est arrivé abîmé"],
      },
      wrong_or_missing: {
        good: [],
        bad: ["on m'a envoyé la mauvaise couleur", "il manquait un article dans le colis", "mauvaise taille envoyée"],
      },
      product_quality: {
        good: ["très belle qualité", "produit solide et bien fini"],
        bad: ["qualité médiocre", "il ne fonctionne plus après une semaine", "le tissu fait bon marché"],
      },
      size_fit: {
        good: ["la taille est parfaite", "le guide des tailles est fiable"],
        bad: ["ça taille vraiment petit", "beaucoup trop serré", "la taille ne correspond pas au guide"],
      },
      price_value: {
        good: ["excellent rapport qualité-prix", "prix raisonnables"],
        bad: ["frais de port exorbitants", "beaucoup trop cher", "le code promo n'a pas été appliqué au prix"],
      },
      customer_service: {
        good: ["le service client a répondu très vite", "conseillère très aimable"],
        bad: ["aucune réponse du service client", "service client injoignable"],
      },
      returns_refunds: {
        good: ["retour facile et gratuit", "remboursement reçu rapidement"],
        bad: ["j'attends toujours mon remboursement", "le retour est payant et compliqué"],
      },
      packaging: {
        good: ["emballage soigné", "joli paquet cadeau"],
        bad: ["trop de plastique dans l'emballage", "carton beaucoup trop grand"],
      },
      website_checkout: {
        good: ["site clair et paiement rapide", "commande très simple sur le site"],
        bad: ["le paiement a échoué trois fois", "le site plante au moment de payer"],
      },
      stock_range: {
        good: ["beaucoup de choix", "large gamme de couleurs"],
        bad: ["la moitié des articles en rupture de stock", "peu de choix dans ma taille"],
      },
      // Not a default theme: what the "What no theme covers" page finds in the demo.
      loyalty: {
        good: ["j'adore cumuler les points de fidélité"],
        bad: [
          "mes points de fidélité ont disparu",
          "les points de mon dernier achat ne sont jamais apparus",
          "impossible d'utiliser mes points fidélité",
        ],
      },
    },
    open: {
      PROMOTER: ["Parfait !", "Toujours ravie.", "Super."],
      PASSIVE: ["Correct dans l'ensemble.", "Bien."],
      DETRACTOR: ["Très déçue.", "Plus jamais.", "Franchement déçu."],
    },
    close: {
      PROMOTER: ["Merci !", "Je recommande."],
      PASSIVE: ["Peut mieux faire."],
      DETRACTOR: ["Inadmissible.", "Très décevant."],
    },
    but: "mais",
  },
  de: {
    themes: {
      delivery_time: {
        good: ["super schnelle Lieferung", "schon nach zwei Tagen da", "am selben Tag verschickt"],
        bad: ["das Paket kam eine Woche zu spät", "die Lieferung dauerte ewig", "Lieferung mit großer Verspätung"],
      },
      delivery_problem: {
        good: [],
        bad: [
          "der Paketdienst hat mein Paket verloren",
          "laut Sendungsverfolgung zugestellt, aber nichts angekommen",
          "der Bote kam nie",
        ],
      },
      damaged: {
        good: [],
        bad: ["zwei Tassen kamen zerbrochen an", "die Vase war gesprungen", "Paket kam beschädigt an"],
      },
      wrong_or_missing: {
        good: [],
        bad: ["falscher Artikel geliefert", "ein Teil fehlte im Paket", "falsche Farbe geschickt"],
      },
      product_quality: {
        good: ["super Qualität", "sehr gut verarbeitet"],
        bad: ["schlechte Qualität", "nach einer Woche kaputt gegangen", "der Stoff wirkt billig"],
      },
      size_fit: {
        good: ["die Größe passt perfekt", "passt wie angegossen"],
        bad: ["die Größe fällt klein aus", "viel zu eng geschnitten", "die Größentabelle stimmt nicht"],
      },
      price_value: {
        good: ["gutes Preis-Leistungs-Verhältnis", "faire Preise"],
        bad: ["viel zu teure Versandkosten", "zu teuer für das, was es ist", "der Rabatt wurde nicht abgezogen"],
      },
      customer_service: {
        good: ["der Kundenservice hat sofort geantwortet", "sehr freundlicher Support"],
        bad: ["der Kundenservice antwortet nie", "niemand erreichbar"],
      },
      returns_refunds: {
        good: ["Rücksendung war ganz einfach", "Geld schnell zurückerstattet"],
        bad: ["warte immer noch auf meine Erstattung", "die Rücksendung ist umständlich"],
      },
      packaging: {
        good: ["schöne Verpackung", "liebevoll verpackt"],
        bad: ["viel zu viel Plastik in der Verpackung", "riesiger Karton für ein kleines Teil"],
      },
      website_checkout: {
        good: ["die Bestellung auf der Website war einfach", "schneller Checkout"],
        bad: ["die Zahlung ist dreimal fehlgeschlagen", "die Website stürzt beim Bezahlen ab"],
      },
      stock_range: {
        good: ["große Auswahl", "tolles Sortiment"],
        bad: ["die Hälfte war nicht auf Lager", "kaum Auswahl in meiner Größe"],
      },
      // Not a default theme: what the "What no theme covers" page finds in the demo.
      loyalty: {
        good: ["ich sammle gern die Treuepunkte"],
        bad: [
          "meine Treuepunkte sind verschwunden",
          "die Punkte vom letzten Einkauf fehlen",
          "ich konnte meine Bonuspunkte nicht einlösen",
        ],
      },
    },
    open: {
      PROMOTER: ["Top!", "Schon meine fünfte Bestellung.", "Sehr zufrieden."],
      PASSIVE: ["Insgesamt in Ordnung.", "Ganz okay."],
      DETRACTOR: ["Sehr enttäuscht.", "Nie wieder.", "Ärgerlich."],
    },
    close: {
      PROMOTER: ["Danke!", "Gerne wieder."],
      PASSIVE: ["Geht besser."],
      DETRACTOR: ["Unmöglich.", "So nicht."],
    },
    but: "aber",
  },
  es: {
    themes: {
      delivery_time: {
        good: ["llegó antes de lo previsto", "envío rapidísimo", "lo recibí en dos días"],
        bad: ["el pedido llegó con una semana de retraso", "el envío fue muy lento", "tardó muchísimo en llegar"],
      },
      delivery_problem: {
        good: [],
        bad: [
          "el transportista perdió mi paquete",
          "el seguimiento dice entregado pero no recibí nada",
          "el repartidor nunca vino",
        ],
      },
      damaged: {
        good: [],
        bad: ["dos tazas llegaron rotas", "el jarrón llegó agrietado", "el paquete llegó dañado"],
      },
      wrong_or_missing: {
        good: [],
        bad: ["me enviaron el color equivocado", "faltaba un artículo en el paquete", "el pedido llegó incompleto"],
      },
      product_quality: {
        good: ["calidad excelente", "muy bien hecho"],
        bad: ["mala calidad", "dejó de funcionar a la semana", "la tela parece barata"],
      },
      size_fit: {
        good: ["la talla es perfecta", "me queda genial"],
        bad: ["la talla es muy pequeña", "me queda demasiado ajustado", "la guía de tallas no sirve"],
      },
      price_value: {
        good: ["buena relación calidad-precio", "precios justos"],
        bad: ["gastos de envío carísimos", "demasiado caro para lo que es"],
      },
      customer_service: {
        good: ["atención al cliente de diez", "me respondieron enseguida"],
        bad: ["nadie respondió a mis correos", "atención al cliente nefasta"],
      },
      returns_refunds: {
        good: ["la devolución fue muy fácil", "reembolso rápido"],
        bad: ["sigo esperando el reembolso", "la devolución es un lío"],
      },
      packaging: {
        good: ["el embalaje era precioso", "muy bien empaquetado"],
        bad: ["demasiado plástico en el embalaje", "una caja enorme para algo tan pequeño"],
      },
      website_checkout: {
        good: ["la web es muy fácil de usar", "pago rápido y sencillo"],
        bad: ["el pago falló tres veces", "la web se cuelga al pagar"],
      },
      stock_range: {
        good: ["mucha variedad", "gran surtido de colores"],
        bad: ["la mitad estaba agotado", "poca variedad en mi talla"],
      },
      // Not a default theme: what the "What no theme covers" page finds in the demo.
      loyalty: {
        good: ["me encanta acumular puntos de fidelidad"],
        bad: [
          "mis puntos de fidelidad desaparecieron",
          "los puntos de mi última compra nunca aparecieron",
          "no pude canjear mis puntos",
        ],
      },
    },
    open: {
      PROMOTER: ["¡Me encantó!", "Genial.", "Muy contenta."],
      PASSIVE: ["Está bien.", "Correcto en general."],
      DETRACTOR: ["Muy decepcionada.", "Nunca más.", "Fatal."],
    },
    close: {
      PROMOTER: ["¡Gracias!", "Volveré a comprar."],
      PASSIVE: ["Se puede mejorar."],
      DETRACTOR: ["Una vergüenza.", "Muy mal."],
    },
    but: "pero",
  },
  nl: {
    themes: {
      delivery_time: {
        good: ["snel geleverd", "binnen twee dagen in huis", "dezelfde dag verzonden"],
        bad: ["het pakket kwam een week te laat", "de levering duurde erg lang", "levering was flink vertraagd"],
      },
      delivery_problem: {
        good: [],
        bad: [
          "de bezorger heeft mijn pakket kwijtgemaakt",
          "volgens de track en trace bezorgd maar niets ontvangen",
          "de koerier is nooit gekomen",
        ],
      },
      damaged: {
        good: [],
        bad: ["twee mokken kwamen kapot aan", "de vaas was gebarsten", "het pakket kwam beschadigd aan"],
      },
      wrong_or_missing: {
        good: [],
        bad: ["verkeerde kleur gestuurd", "er ontbrak een artikel in het pakket", "verkeerde maat ontvangen"],
      },
      product_quality: {
        good: ["prachtige kwaliteit", "heel stevig gemaakt"],
        bad: ["slechte kwaliteit", "na een week kapot gegaan", "de stof voelt goedkoop"],
      },
      size_fit: {
        good: ["de maat klopt precies", "past perfect"],
        bad: ["valt twee maten te klein", "veel te strak", "de maattabel klopt niet"],
      },
      price_value: {
        good: ["goede prijs-kwaliteitverhouding", "eerlijke prijzen"],
        bad: ["belachelijk hoge verzendkosten", "veel te duur voor wat het is"],
      },
      customer_service: {
        good: ["de klantenservice reageerde meteen", "heel vriendelijke klantenservice"],
        bad: ["geen reactie op mijn mail", "de klantenservice is onbereikbaar"],
      },
      returns_refunds: {
        good: ["retourneren ging heel makkelijk", "snel mijn geld terug"],
        bad: ["ik wacht nog steeds op mijn terugbetaling", "retourneren is een gedoe"],
      },
      packaging: {
        good: ["mooie verpakking", "netjes verpakt"],
        bad: ["veel te veel plastic in de verpakking", "enorme doos voor een klein ding"],
      },
      website_checkout: {
        good: ["de website werkt prettig", "afrekenen ging vlot"],
        bad: ["de betaling mislukte drie keer", "de website loopt vast bij het afrekenen"],
      },
      stock_range: {
        good: ["ruime keuze", "mooi assortiment"],
        bad: ["de helft was uitverkocht", "weinig keuze in mijn maat"],
      },
      // Not a default theme: what the "What no theme covers" page finds in the demo.
      loyalty: {
        good: ["ik spaar graag de klantenpunten"],
        bad: [
          "mijn spaarpunten zijn verdwenen",
          "de punten van mijn vorige aankoop staan er niet bij",
          "ik kon mijn spaarpunten niet inwisselen",
        ],
      },
    },
    open: {
      PROMOTER: ["Top!", "Altijd tevreden.", "Heel blij."],
      PASSIVE: ["Prima.", "Redelijk."],
      DETRACTOR: ["Erg teleurgesteld.", "Nooit meer.", "Slecht."],
    },
    close: {
      PROMOTER: ["Bedankt!", "Een aanrader."],
      PASSIVE: ["Kan beter."],
      DETRACTOR: ["Echt jammer.", "Onacceptabel."],
    },
    but: "maar",
  },
};

export interface DemoComment {
  locale: DemoLocale;
  category: DemoCategory;
  /** The theme the comment is about: the story the seed tells picks comments by it. */
  theme: string;
  body: string;
}

const capital = (s: string) => s.charAt(0).toLocaleUpperCase() + s.slice(1);

/**
 * Every comment of the bank: per language, category and theme, its clauses alone and with each
 * opening and ending of the category; a passive's also after praise of another theme
 * ("Lovely quality, but …"). Deterministic, so that the demo is the same on every machine.
 */
export function demoComments(): DemoComment[] {
  const out: DemoComment[] = [];
  for (const [locale, bank] of Object.entries(BANKS) as Array<[DemoLocale, LanguageBank]>) {
    const themes = Object.entries(bank.themes);
    for (const [theme, { good, bad }] of themes) {
      const add = (category: DemoCategory, clauses: string[]) => {
        const opens = ["", ...bank.open[category]];
        const closes = ["", ...bank.close[category]];
        clauses.forEach((clause, i) => {
          // Each clause with a few of the openings and endings, not every pairing: variety
          // without the same sentence a dozen times over.
          for (let k = 0; k < 3; k++) {
            const open = opens[(i + k) % opens.length]!;
            const close = closes[(i * 2 + k) % closes.length]!;
            const body = [open, `${capital(clause)}.`, close].filter(Boolean).join(" ");
            out.push({ locale, category, theme, body });
          }
        });
      };
      add("PROMOTER", good);
      add("DETRACTOR", bad);
      // A passive: praise of another theme, but this one's complaint; or the complaint, mildly.
      bad.forEach((clause, i) => {
        const [otherTheme, other] = themes[(themes.findIndex(([t]) => t === theme) + 4 + i) % themes.length]!;
        const praise = other.good[i % Math.max(1, other.good.length)];
        if (praise && otherTheme !== theme) {
          out.push({ locale, category: "PASSIVE", theme, body: `${capital(praise)}, ${bank.but} ${clause}.` });
        }
        const open = bank.open.PASSIVE[i % bank.open.PASSIVE.length]!;
        out.push({ locale, category: "PASSIVE", theme, body: `${open} ${capital(clause)}.` });
      });
    }
  }
  const seen = new Set<string>();
  return out.filter((c) => {
    const key = `${c.locale}|${c.category}|${c.theme}|${c.body}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
