# ruff: noqa: RUF001 (the prime signs of coordinates)
"""The PII rules: a pattern for candidates of each type, and the validator that confirms them."""

from __future__ import annotations

from dataclasses import dataclass

from octollm.reflex.detection.pii import validators as v
from octollm.reflex.detection.rules import Rule

# Characters that continue a word or a number: a match must not be cut out of one.
WORD = r"A-Za-z0-9_"
ALNUM = r"A-Za-z0-9"


@dataclass(frozen=True, kw_only=True, eq=False)
class PiiRule(Rule):
    kind: str = "pii"
    confidence: float
    validate: v.Validator = v.always
    # A candidate that fails validation is tried again cut before each of these separators,
    # from the right: a card number followed by a CVV is still a card number.
    split: str = ""
    # Characters trimmed off the end of a candidate (punctuation after a URL).
    trim: str = ""


def _keyword(words: str, value: str, *, optional: str = "") -> str:
    """`<words> [no|number|#|...] [is|was] [:#] <value>` (the value as group `v`)."""
    label = optional or r"(?:\s{1,3}(?:no\.?|nr\.?|number|num\.?|#|id))?"
    return rf"(?:{words}){label}(?:\s{{1,3}}(?:is|was))?\s{{0,3}}[:#=]?\s{{0,3}}(?P<v>{value})"


_URL_CHARS = r"A-Za-z0-9._~:/?#\[\]@!$&'()*+,;=%\-"
# Schemes of URLs (connection strings too: they often carry a password)
_SCHEMES = (
    r"(?:https?|ftps?|sftp|wss?|ssh|git|s3|postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?"
    r"|redis|rediss|amqps?|mqtt|ldaps?|smb|jdbc:[a-z]{2,12})"
)

RULES: tuple[PiiRule, ...] = (
    # --- contact ---------------------------------------------------------------------------------
    PiiRule(
        name="email",
        type="Email",
        body=r"[A-Za-z0-9._%+\-]{1,64}@[A-Za-z0-9\-]{1,63}(?:\.[A-Za-z0-9\-]{1,63}){0,6}"
        r"\.[A-Za-z]{2,24}",
        before=r"A-Za-z0-9._%+\-",
        after=r"A-Za-z0-9_\-",
        hyperscan_before=False,
        confidence=0.95,
        validate=v.email,
    ),
    PiiRule(
        name="phone.nanp",
        type="Phone",
        body=r"(?:\+?1[ .\-]?)?(?:\([0-9]{3}\)[ .\-]?|[0-9]{3}[ .\-])[0-9]{3}[ .\-][0-9]{4}",
        prefilter=r"[ .\-)][0-9]{3}[ .\-][0-9]{4}",
        before=r"A-Za-z0-9_+\-",
        after=r"A-Za-z0-9_\-",
        not_after=r"[.:][0-9]",
        confidence=0.8,
        validate=v.phone,
    ),
    PiiRule(
        name="phone.international",
        type="Phone",
        body=r"(?:\+|00)[1-9][0-9]{0,2}(?:[ .\-]?\(0\))?[ .\-]?[0-9]{1,4}"
        r"(?:[ .\-]?[0-9]{2,4}){1,5}",
        before=r"A-Za-z0-9_+\-",
        after=r"A-Za-z0-9_\-",
        not_after=r"[.:][0-9]",
        confidence=0.8,
        validate=v.phone,
    ),
    PiiRule(
        name="phone.national",
        type="Phone",
        body=r"\(0[1-9][0-9]{0,3}\)[ .\-]?[0-9]{3,4}[ .\-]?[0-9]{3,4}"
        r"|0[1-9][0-9]{1,3}[ \-][0-9]{3,4}[ \-]?[0-9]{3,4}|0[1-9](?:[ .][0-9]{2}){4}",
        before=r"A-Za-z0-9_+\-.:/",
        after=r"A-Za-z0-9_\-",
        not_after=r"[.:][0-9]",
        confidence=0.8,
        validate=v.phone_national,
    ),
    # --- government identifiers ------------------------------------------------------------------
    PiiRule(
        name="ssn",
        type="SSN",
        body=r"[0-9]{3}[ \-][0-9]{2}[ \-][0-9]{4}",
        before=r"0-9\-",
        after=r"0-9\-",
        confidence=0.9,
        validate=v.ssn,
    ),
    PiiRule(
        name="ssn.keyword",
        type="SSN",
        body=r"(?:ssn|social\s{1,3}security(?:\s{1,3}(?:number|no\.?|#))?|ss#)\s{0,3}[:#]{0,2}"
        r"\s{0,3}(?P<v>[0-9]{9})",
        before=ALNUM,
        after=r"0-9",
        caseless=True,
        confidence=0.85,
        validate=v.ssn_digits,
    ),
    PiiRule(
        name="passport",
        type="Passport",
        body=_keyword(r"passport", r"[A-Z0-9]{6,9}"),
        before=r"A-Za-z",
        after=ALNUM,
        caseless=True,
        confidence=0.85,
        validate=v.passport,
    ),
    PiiRule(
        name="passport.mrz",
        type="Passport",
        body=r"P<[A-Z]{3}[A-Z<]{39}\s{1,2}[A-Z0-9<]{9}[0-9][A-Z<]{3}[0-9]{6}[0-9][MFX<]"
        r"[0-9]{6}[0-9][A-Z0-9<]{14}[0-9<][0-9]",
        before=ALNUM,
        confidence=0.95,
        validate=v.passport_mrz,
    ),
    PiiRule(
        name="driver_license",
        type="DriverLicense",
        body=_keyword(
            r"driver'?s?\s{1,3}licen[cs]e|driving\s{1,3}licen[cs]e|driver\s{1,3}permit",
            r"[A-Z0-9][A-Z0-9\-]{4,19}",
        ),
        before=r"A-Za-z",
        after=r"A-Za-z0-9\-",
        caseless=True,
        confidence=0.8,
        validate=v.driver_license,
    ),
    PiiRule(
        name="driver_license.dl",
        type="DriverLicense",
        body=r"DL\s{0,3}(?:#|No\.?|number)?\s{0,3}[:#]\s{0,3}(?P<v>[A-Z0-9][A-Z0-9\-]{4,19})",
        before=ALNUM,
        after=r"A-Za-z0-9\-",
        confidence=0.8,
        validate=v.driver_license,
    ),
    PiiRule(
        name="vin",
        type="VIN",
        body=r"[A-HJ-NPR-Z0-9]{17}",
        before=ALNUM,
        after=ALNUM,
        confidence=0.9,
        validate=v.vin,
    ),
    # --- money -----------------------------------------------------------------------------------
    PiiRule(
        name="card",
        type="CreditCard",
        body=r"[0-9]{13,19}|[0-9]{4}(?:[ \-][0-9]{4}){2,3}(?:[ \-][0-9]{1,4})?"
        r"|[0-9]{4}[ \-][0-9]{6}[ \-][0-9]{4,5}",
        before=r"A-Za-z0-9_.\-",
        after=r"A-Za-z0-9_\-",
        confidence=0.95,
        validate=v.card,
        split=" -",
    ),
    PiiRule(
        name="iban",
        type="IBAN",
        body=r"[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?",
        before=ALNUM,
        after=ALNUM,
        confidence=0.95,
        validate=v.iban,
        split=" ",
    ),
    PiiRule(
        name="bank_account",
        type="BankAccount",
        body=_keyword(r"(?:bank\s{1,3})?(?:account|acct|a/c)", r"[0-9](?:[ \-]?[0-9]){5,16}"),
        before=r"A-Za-z",
        after=r"A-Za-z0-9\-",
        caseless=True,
        confidence=0.85,
        validate=v.bank_account,
    ),
    PiiRule(
        name="bank_account.routing",
        type="BankAccount",
        body=_keyword(
            r"routing|aba|rtn",
            r"[0-9]{9}",
            optional=r"(?:\s{1,3}(?:transit\s{1,3})?(?:no\.?|number|num\.?|#))?",
        ),
        before=r"A-Za-z",
        after=r"0-9",
        caseless=True,
        confidence=0.9,
        validate=v.aba_routing,
    ),
    PiiRule(
        name="bank_account.sort_code",
        type="BankAccount",
        body=r"sort\s{0,3}code\s{0,3}[:#]?\s{0,3}(?P<v>[0-9]{2}-[0-9]{2}-[0-9]{2})",
        before=r"A-Za-z",
        after=r"0-9\-",
        caseless=True,
        confidence=0.8,
        validate=v.sort_code,
    ),
    PiiRule(
        name="crypto.base58",
        type="CryptoAddress",
        body=r"[13][1-9A-HJ-NP-Za-km-z]{25,34}",
        before=ALNUM,
        after=ALNUM,
        confidence=0.95,
        validate=v.bitcoin_base58,
    ),
    PiiRule(
        name="crypto.bech32",
        type="CryptoAddress",
        body=r"(?:bc1|tb1)[02-9ac-hj-np-z]{8,87}|(?:BC1|TB1)[02-9AC-HJ-NP-Z]{8,87}",
        before=ALNUM,
        after=ALNUM,
        confidence=0.95,
        validate=v.bitcoin_bech32,
    ),
    PiiRule(
        name="crypto.ethereum",
        type="CryptoAddress",
        body=r"0x[0-9a-fA-F]{40}",
        before=ALNUM,
        after=ALNUM,
        confidence=0.9,
        validate=v.ethereum,
    ),
    # --- network ---------------------------------------------------------------------------------
    PiiRule(
        name="ipv4",
        type="IPv4",
        body=r"(?:[0-9]{1,3}\.){3}[0-9]{1,3}",
        before=r"A-Za-z0-9_.",
        after=r"0-9",
        not_after=r"\.[0-9]",
        confidence=0.85,
        validate=v.ipv4,
    ),
    PiiRule(
        name="ipv6",
        type="IPv6",
        body=r"(?:(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}"
        r"|(?:[0-9A-Fa-f]{1,4}:){1,7}:(?:[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4}){0,6})?"
        r"|::[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4}){0,6})(?:%[0-9A-Za-z]{1,15})?",
        before=r"A-Za-z0-9_:.",
        after=r"A-Za-z0-9_:",
        hyperscan_before=False,
        confidence=0.85,
        validate=v.ipv6,
    ),
    PiiRule(
        name="mac",
        type="MACAddress",
        body=r"[0-9A-Fa-f]{2}(?:[:\-][0-9A-Fa-f]{2}){5}"
        r"|[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}",
        before=r"A-Za-z0-9_:\-.",
        after=r"A-Za-z0-9_:\-",
        not_after=r"\.[0-9A-Fa-f]",
        confidence=0.9,
        validate=v.mac,
    ),
    PiiRule(
        name="url",
        type="URL",
        body=rf"{_SCHEMES}://[{_URL_CHARS}]{{1,2048}}",
        before=WORD,
        after=_URL_CHARS,
        caseless=True,
        anchor=rf"{_SCHEMES}://",
        confidence=0.9,
        validate=v.url,
        trim=".,;:!?'\")]",
    ),
    PiiRule(
        name="url.www",
        type="URL",
        body=rf"www\.[A-Za-z0-9\-]{{1,63}}(?:\.[A-Za-z0-9\-]{{1,63}}){{1,4}}"
        rf"(?:/[{_URL_CHARS}]{{0,2048}})?",
        before=r"A-Za-z0-9_./",
        after=r"A-Za-z0-9_\-/",
        caseless=True,
        anchor=r"www\.",
        confidence=0.8,
        validate=v.url,
        trim=".,;:!?'\")]",
    ),
    PiiRule(
        name="coordinates",
        type="Coordinates",
        body=r"[\-+]?[0-9]{1,2}\.[0-9]{4,8}\s{0,2},\s{0,2}[\-+]?[0-9]{1,3}\.[0-9]{4,8}",
        before=r"A-Za-z0-9_.",
        after=r"0-9",
        confidence=0.8,
        validate=v.coordinates,
    ),
    PiiRule(
        name="coordinates.dms",
        type="Coordinates",
        body=r"[0-9]{1,3}°\s?[0-9]{1,2}(?:'|′)\s?[0-9]{1,2}(?:\.[0-9]{1,3})?(?:\"|″|'')\s?"
        r"[NSns](?:\s{0,2},)?\s{0,2}[0-9]{1,3}°\s?[0-9]{1,2}(?:'|′)\s?[0-9]{1,2}"
        r"(?:\.[0-9]{1,3})?(?:\"|″|'')\s?[EWew]",
        before=r"0-9",
        after=ALNUM,
        confidence=0.9,
        validate=v.coordinates_dms,
    ),
    # --- credentials -----------------------------------------------------------------------------
    PiiRule(
        name="aws.key_id",
        type="AWSKey",
        body=r"(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|APKA|AROA|ASCA)[0-9A-Z]{16}",
        before=ALNUM,
        after=ALNUM,
        confidence=0.95,
        validate=v.aws_key_id,
    ),
    PiiRule(
        name="aws.secret",
        type="AWSKey",
        body=r"aws_?secret_?(?:access_?)?key[\"']?\s{0,3}[:=]\s{0,3}[\"']?"
        r"(?P<v>[A-Za-z0-9/+]{40})",
        before=ALNUM,
        after=r"A-Za-z0-9/+=",
        caseless=True,
        confidence=0.9,
        validate=v.secret,
    ),
    PiiRule(
        name="github",
        type="GitHubToken",
        body=r"gh[pousr]_[A-Za-z0-9]{36,251}|github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}",
        before=WORD,
        after=WORD,
        confidence=0.95,
        validate=v.github_token,
    ),
    PiiRule(
        name="secret.prefixed",
        type="GenericAPIKey",
        body=r"(?:sk|rk)_(?:live|test)_[0-9A-Za-z]{24,99}|xox[abposr]-[0-9A-Za-z\-]{10,72}"
        r"|AIza[0-9A-Za-z_\-]{35}|sk-(?:proj-|ant-(?:api03-)?)?[A-Za-z0-9_\-]{20,160}"
        r"|SG\.[A-Za-z0-9_\-]{22}\.[A-Za-z0-9_\-]{43}|glpat-[A-Za-z0-9_\-]{20}"
        r"|npm_[A-Za-z0-9]{36}|hf_[A-Za-z0-9]{30,40}",
        before=r"A-Za-z0-9_\-",
        after=r"A-Za-z0-9_\-",
        confidence=0.9,
        validate=v.prefixed_secret,
    ),
    PiiRule(
        name="secret.jwt",
        type="GenericAPIKey",
        body=r"eyJ[A-Za-z0-9_\-]{10,1024}\.eyJ[A-Za-z0-9_\-]{10,1024}\.[A-Za-z0-9_\-]{10,1024}",
        before=r"A-Za-z0-9_\-",
        after=r"A-Za-z0-9_\-",
        anchor=r"eyJ",
        confidence=0.85,
    ),
    PiiRule(
        name="secret.private_key",
        type="GenericAPIKey",
        body=r"-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----"
        r"[A-Za-z0-9+/=\s:,\-]{0,6000}?-----END (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?"
        r"PRIVATE KEY(?: BLOCK)?-----",
        anchor=r"-----BEGIN ",
        confidence=0.95,
    ),
    PiiRule(
        name="secret.keyword",
        type="GenericAPIKey",
        body=r"(?:api[_\-]?key|apikey|api[_\-]?secret|secret[_\-]?key|client[_\-]?secret"
        r"|access[_\-]?token|auth[_\-]?token|refresh[_\-]?token|private[_\-]?key|x-api-key"
        r"|app[_\-]?secret|secret|token|password|passwd)[\"']?\s{0,3}[:=]\s{0,3}[\"']?"
        r"(?P<v>[A-Za-z0-9_\-.+/=]{16,128})",
        before=ALNUM,
        after=r"A-Za-z0-9_\-.+/=",
        caseless=True,
        confidence=0.8,
        validate=v.secret,
        trim=".",
    ),
    PiiRule(
        name="secret.bearer",
        type="GenericAPIKey",
        body=r"bearer\s{1,3}(?P<v>[A-Za-z0-9_\-.+/=]{20,512})",
        before=ALNUM,
        after=r"A-Za-z0-9_\-.+/=",
        caseless=True,
        confidence=0.85,
        validate=v.secret,
        trim=".",
    ),
)
