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

type Comments = Record<"PROMOTER" | "PASSIVE" | "DETRACTOR", string[]>;

/** What shoppers wrote, per language and score category (as typed, including one with markup). */
export const DEMO_COMMENTS: Record<string, Comments> = {
  en: {
    PROMOTER: [
      "Lovely quality, and it arrived earlier than promised.",
      "Third order this year, never disappointed.",
      "The packaging was beautiful, a perfect gift.",
      "Great customer service when I changed my address.",
    ],
    PASSIVE: [
      "Good product, but shipping took a while.",
      "Fine overall. The size guide could be clearer.",
      "Nice, though a bit pricey for what it is.",
    ],
    DETRACTOR: [
      "Parcel arrived a week late and nobody answered my email.",
      "The item broke after two days.",
      "Wrong colour sent, and returning it costs me money.",
      "Tracking said delivered but nothing came. <b>Very</b> frustrating!",
    ],
  },
  fr: {
    PROMOTER: ["Très belle qualité, livraison rapide.", "Toujours ravie de mes commandes, merci !"],
    PASSIVE: ["Produit correct, mais l'emballage était abîmé.", "Bien, mais un peu cher."],
    DETRACTOR: ["Colis arrivé avec dix jours de retard.", "Article défectueux, aucune réponse du service client."],
  },
  de: {
    PROMOTER: ["Super Qualität und schnelle Lieferung!", "Schon meine fünfte Bestellung – immer top."],
    PASSIVE: ["Gutes Produkt, aber die Lieferung dauerte lange.", "In Ordnung, die Größe fällt klein aus."],
    DETRACTOR: ["Paket kam beschädigt an.", "Falscher Artikel geliefert, Rücksendung ist umständlich."],
  },
  es: {
    PROMOTER: ["¡Me encantó! Llegó antes de lo previsto.", "Calidad excelente, volveré a comprar."],
    PASSIVE: ["Buen producto, pero el envío fue lento.", "Está bien, aunque esperaba algo más."],
    DETRACTOR: ["El pedido llegó incompleto.", "Nadie respondió a mis correos sobre el retraso."],
  },
  nl: {
    PROMOTER: ["Prachtige kwaliteit en snel geleverd.", "Altijd tevreden, top winkel!"],
    PASSIVE: ["Goed product, maar de levering duurde lang.", "Prima, al is het wat aan de dure kant."],
    DETRACTOR: ["Pakket kwam beschadigd aan.", "Verkeerde maat gestuurd en geen reactie op mijn mail."],
  },
};

export const DEMO_ASSIGNEES = ["Maya (support)", "Tom (founder)", "Inès (CX lead)"];
