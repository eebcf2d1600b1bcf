"""Reduce a ticket to the customer's question: no HTML, quoted replies, signatures or personal data."""

from __future__ import annotations

import html
import re

from supportkb.gaps.tickets.reader import Ticket, with_text
from supportkb.generator.core.privacy import mask_personal_data

MAX_CLEAN_CHARS = 4_000
"""Cleaned bodies are cut here: the question is at the top, and reports stay small."""

# --- HTML -----------------------------------------------------------------------------------

_LOOKS_LIKE_HTML = re.compile(r"<(?:p|div|br|span|a|b|i|u|em|strong|html|body|table|tr|td|ul|ol|li|h[1-6]|img|blockquote|script|style|font)\b[^>]*>", re.IGNORECASE)
_DROP_BLOCKS = re.compile(r"<(script|style|head|blockquote)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_GMAIL_QUOTE = re.compile(r"<div[^>]*class=\"?[^\">]*(?:gmail_quote|moz-cite-prefix|yahoo_quoted)[^>]*>.*", re.IGNORECASE | re.DOTALL)
_LINE_BREAK_TAGS = re.compile(r"<(?:br\s*/?|/p|/div|/li|/tr|/h[1-6]|/blockquote|hr\s*/?)\s*>", re.IGNORECASE)
_LIST_ITEM = re.compile(r"<li\b[^>]*>", re.IGNORECASE)
_ANY_TAG = re.compile(r"</?[a-zA-Z][^<>]{0,2000}>|<!--.*?-->", re.DOTALL)


def strip_html(text: str) -> str:
    """HTML -> plain text with line breaks; quoted blocks and scripts are dropped. Plain text passes."""
    if "<" not in text or not _LOOKS_LIKE_HTML.search(text):
        return html.unescape(text) if "&" in text else text
    text = _GMAIL_QUOTE.sub("", text)
    text = _DROP_BLOCKS.sub("\n", text)
    text = _LINE_BREAK_TAGS.sub("\n", text)
    text = _LIST_ITEM.sub("\n- ", text)
    text = _ANY_TAG.sub("", text)
    return html.unescape(text).replace("\xa0", " ")


# --- quoted replies, signatures, greetings, boilerplate --------------------------------------

_QUOTE_HEADERS = re.compile(
    r"^\s*(?:"
    r"On\b.{0,300}\bwrote\s*:"
    r"|Le\b.{0,300}\ba écrit\s*:"
    r"|Am\b.{0,300}\bschrieb.{0,80}:"
    r"|El\b.{0,300}\bescribió\s*:"
    r"|-{2,}\s*(?:Original Message|Forwarded message|Ursprüngliche Nachricht)\s*-{2,}"
    r"|Begin forwarded message\s*:"
    r"|_{10,}"
    r"|#+-\s*Please type your reply above this line\s*-#+"
    r")",
    re.IGNORECASE,
)
_OUTLOOK_HEADER = re.compile(r"^\s*From:\s*\S.*$", re.IGNORECASE)
_OUTLOOK_FOLLOW = re.compile(r"^\s*(?:Sent|Date|To|Subject|Cc):\s", re.IGNORECASE)
_SIGN_OFF = re.compile(
    r"^\s*(?:--|—|–|thanks|thank you|thanks again|thanks so much|thank you so much|many thanks|thanks a lot|thx|ty|"
    r"cheers|best|best wishes|best regards|kind regards|warm regards|warmest regards|regards|sincerely|"
    r"yours sincerely|yours truly|all the best|talk soon|br|cordially|respectfully)"
    r"(?:\s+(?:in advance|for (?:your|the) (?:help|time|support)))?[\s,.!:]*(?:[A-Z][\w.'-]*\s*){0,3}$",
    re.IGNORECASE,
)
_DEVICE_FOOTER = re.compile(
    r"^\s*(?:sent from my \w[\w ]{0,30}|sent from (?:outlook|mail) for \w+|get outlook for \w+|"
    r"sent from yahoo mail.*|sent via .{0,40}|powered by (?:zendesk|freshdesk|intercom|jira).*)\s*$",
    re.IGNORECASE,
)
_LEGAL_FOOTER = re.compile(
    r"^\s*(?:confidentiality notice|this (?:e-?mail|message) (?:and any attachments )?(?:is|may be) confidential|"
    r"disclaimer:|this email was sent to|you are receiving this|to unsubscribe|please do not reply to this)",
    re.IGNORECASE,
)
_GREETING_LINE = re.compile(
    r"^\s*(?:hi|hello|hey|heya|hiya|dear|greetings|good (?:morning|afternoon|evening|day)|howdy|hallo|bonjour|hola)\b"
    r"[^\n.?!]{0,40}[,.!:]*\s*$",
    re.IGNORECASE,
)
_GREETING_PREFIX = re.compile(
    r"^\s*(?:hi|hello|hey|heya|hiya|dear|greetings|good (?:morning|afternoon|evening)|howdy)\b"
    r"(?:\s+(?:there|team|all|folks|support|guys|everyone|tallybird|[A-Z][a-z]+)){0,3}\s*[,!:.-]+\s*",
    re.IGNORECASE,
)
_PLEASANTRIES = re.compile(
    r"(?:^|(?<=[.!?]\s))(?:"
    r"i hope (?:you are|you're|this finds you|all is) [^.!?\n]{0,30}[.!?]?"
    r"|hope (?:you are|you're|this finds you|all is) [^.!?\n]{0,30}[.!?]?"
    r"|thanks? (?:you )?(?:in advance|for (?:your|the) (?:help|time|support|assistance))[^.!?\n]{0,20}[.!?]?"
    r"|any help (?:would be|is) (?:much |greatly |really )?appreciated[.!?]?"
    r"|please advise[.!?]?"
    r"|(?:i'm|i am) (?:writing|contacting you|reaching out) (?:to|because|about)\s"
    r")",
    re.IGNORECASE,
)
_SUBJECT_PREFIX = re.compile(r"^\s*(?:(?:re|fw|fwd|aw|wg|tr)\s*(?:\[\d+\])?\s*:\s*)+", re.IGNORECASE)
_TICKET_REF = re.compile(r"\[?\s*(?:ticket|request|case)\s*#\s*\d+\s*\]?:?", re.IGNORECASE)


def cut_quoted_reply(text: str) -> str:
    """Drop an earlier message quoted below the customer's words, and '>' lines."""
    lines = text.split("\n")
    kept: list[str] = []
    for index, line in enumerate(lines):
        if _QUOTE_HEADERS.match(line) or (
            index + 1 < len(lines) and _QUOTE_HEADERS.match(line + " " + lines[index + 1]) and "wrote" in lines[index + 1].lower()
        ):
            if "above this line" in line.lower() and not any(k.strip() for k in kept):
                continue  # Zendesk puts the marker first; the reply follows it.
            break
        if _OUTLOOK_HEADER.match(line) and any(_OUTLOOK_FOLLOW.match(n) for n in lines[index + 1 : index + 4]):
            break
        if line.lstrip().startswith(">"):
            continue
        kept.append(line)
    return "\n".join(kept)


def cut_signature(text: str) -> str:
    """Drop a sign-off ('Thanks, Anna') and whatever follows it, plus device and legal footers."""
    lines = text.split("\n")
    kept: list[str] = []
    for line in lines:
        if _LEGAL_FOOTER.match(line):
            break
        if _DEVICE_FOOTER.match(line):
            continue
        if _SIGN_OFF.match(line) and any(k.strip() for k in kept) and len(line.strip()) <= 60:
            break
        kept.append(line)
    return "\n".join(kept)


def strip_greeting(text: str) -> str:
    """Drop 'Hi team,' lines and prefixes, and pleasantries that say nothing about the problem."""
    lines = text.split("\n")
    while lines and (not lines[0].strip() or _GREETING_LINE.match(lines[0])):
        lines.pop(0)
    if lines:
        lines[0] = _GREETING_PREFIX.sub("", lines[0], count=1)
    text = "\n".join(lines)
    return _PLEASANTRIES.sub("", text)


def clean_subject(subject: str) -> str:
    """'RE: Fwd: [Ticket #123] Hi, can't log in' -> "can't log in"."""
    subject = strip_html(subject)
    subject = _SUBJECT_PREFIX.sub("", subject)
    subject = _TICKET_REF.sub("", subject)
    subject = _GREETING_PREFIX.sub("", subject, count=1)
    return " ".join(subject.split())


# --- together -------------------------------------------------------------------------------

_SPACES = re.compile(r"[ \t\r\f\v]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]")


def clean_body(body: str) -> str:
    """A ticket body reduced to the customer's own words, personal data masked."""
    text = _CONTROL.sub(" ", body.replace("\r\n", "\n").replace("\r", "\n"))
    text = strip_html(text)
    if "\n" in text:  # Quotes and signatures start on a line of their own.
        text = cut_quoted_reply(text)
        text = cut_signature(text)
    text = strip_greeting(text)
    text = _SPACES.sub(" ", text)
    text = _BLANK_LINES.sub("\n", text).strip()
    if len(text) > MAX_CLEAN_CHARS:
        text = text[:MAX_CLEAN_CHARS].rsplit(" ", 1)[0] + " …"
    return mask_personal_data(text)


def clean_ticket(ticket: Ticket) -> Ticket:
    """The ticket with subject and body cleaned and personal data masked."""
    subject = mask_personal_data(clean_subject(_CONTROL.sub(" ", ticket.subject[:2000])))
    body = clean_body(ticket.body) if ticket.body else ""
    if body and subject and body.lower().startswith(subject.lower()) and not body[len(subject) : len(subject) + 1].isalnum():
        body = body[len(subject) :].lstrip(" :-\n")  # Chat exports often repeat the subject as the first line.
    return with_text(ticket, subject=subject, body=body)
