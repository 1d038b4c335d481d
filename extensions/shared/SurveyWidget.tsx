import { useEffect, useState } from "preact/hooks";
import { categoryFor, type Client, loadSurvey, sendAnswer, type ShareStep, type Survey } from "./survey-client";

/** The share step inside Shopify's pages: the code with a copy button, and links through the shop. */
function Share({ share }: { share: ShareStep }) {
  const [copied, setCopied] = useState(false);
  const r = share.referral;
  return (
    <s-stack gap="base">
      <s-heading>{share.title}</s-heading>
      {r && r.state !== "active" && <s-text>{r.text}</s-text>}
      {r && r.state === "active" && (
        <s-stack gap="small-200">
          <s-text>{r.text}</s-text>
          <s-text type="strong">
            {r.codeLabel}: {r.code}
          </s-text>
          <s-clipboard-item id="nps-referral-code" text={r.code} onCopy={() => setCopied(true)} />
          <s-button commandFor="nps-referral-code" command="--copy">
            {copied ? r.copied : r.copy}
          </s-button>
          <s-link href={r.shareUrl} target="_blank">
            {r.shareLabel}
          </s-link>
        </s-stack>
      )}
      {share.review && (
        <s-stack gap="small-200">
          <s-text>{share.review.text}</s-text>
          <s-button href={share.review.url} target="_blank">
            {share.review.button}
          </s-button>
        </s-stack>
      )}
    </s-stack>
  );
}

/**
 * The survey inside Shopify's pages (thank-you, order status): a radio group of 0-10, the
 * follow-up question for the chosen score, an optional comment, and Send.
 */
export function SurveyWidget(props: {
  client: Client;
  orderId: string | undefined;
  /** The thank-you page's orderConfirmation.number: proof of the order for a guest. */
  confirmationNumber?: string;
  errorText: string;
  retryText: string;
}) {
  const [survey, setSurvey] = useState<Survey | null>(null);
  const [score, setScore] = useState<number | null>(null);
  const [comment, setComment] = useState("");
  const [sending, setSending] = useState(false);
  const [sent, setSent] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const load = () => {
    if (!props.orderId) return;
    setError(null);
    loadSurvey(props.client, props.orderId, { confirmationNumber: props.confirmationNumber }).then(
      (s) => {
        setSurvey(s);
        if (s.state === "open" && s.answer) {
          setScore(s.answer.score);
          setComment(s.answer.comment ?? "");
        }
      },
      () => setError(props.errorText),
    );
  };
  // Load once per order: the client object is rebuilt on every render of the extension
  // but always points at the same app and token source.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  useEffect(load, [props.orderId]);

  if (error) {
    return (
      <s-stack gap="base">
        <s-text>{error}</s-text>
        <s-button onClick={load}>{props.retryText}</s-button>
      </s-stack>
    );
  }
  if (!survey || survey.state !== "open") return null;
  const t = survey.texts;

  const submit = async () => {
    if (score === null || !props.orderId) return;
    setSending(true);
    try {
      setSurvey(
        await sendAnswer(props.client, {
          orderId: props.orderId,
          confirmationNumber: props.confirmationNumber,
          score,
          comment,
        }),
      );
      setSent(true);
    } catch {
      setError(props.errorText);
    } finally {
      setSending(false);
    }
  };

  return (
    <s-stack gap="base">
      <s-choice-list
        name="score"
        label={t.question}
        variant="inline"
        values={score === null ? [] : [String(score)]}
        onChange={(event) => {
          const value = (event.currentTarget as unknown as { values: string[] }).values[0];
          setScore(value === undefined ? null : Number(value));
          setSent(false);
        }}
      >
        {Array.from({ length: 11 }, (_, n) => (
          <s-choice key={n} value={String(n)}>
            {String(n)}
          </s-choice>
        ))}
      </s-choice-list>
      <s-text color="subdued">
        {t.notLikely} · {t.veryLikely}
      </s-text>
      {score !== null && (
        <s-text-area
          label={t.followUp[categoryFor(score)]}
          maxLength={2000}
          value={comment}
          onInput={(event) => setComment((event.currentTarget as unknown as { value: string }).value)}
        />
      )}
      <s-button variant="primary" disabled={score === null} loading={sending} onClick={submit}>
        {t.send}
      </s-button>
      {sent && <s-text>{t.thanks}</s-text>}
      {survey.share && <Share share={survey.share} />}
    </s-stack>
  );
}
