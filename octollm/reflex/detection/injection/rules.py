# ruff: noqa: RUF001, E501 (patterns in other scripts; a rule's word lists stay on one line)
"""The prompt-injection rules: each a pattern with a type, a severity and a confidence.

Patterns see the folded text with its ASCII letters lower-cased (see `normalize.py`), and
are lower-cased likewise. Between words they allow
up to 15 characters of whitespace, underscores, asterisks or hyphens (`ignore__all  previous`,
`**ignore** previous`). Rules for scripts other than Latin spell each word both as written and
as folded, in either case (`words`).
"""

from __future__ import annotations

from dataclasses import dataclass

from octollm.reflex.detection.normalize import fold_chars
from octollm.reflex.detection.rules import Rule

Q = "'"  # quotes, for f-string expressions
DQ = '"'
# Between words (up to 15 characters: see `rules._relax` on repeats of 16 and more)
_ = r"[\s*_\-]{1,15}"
_o = r"[\s*_\-]{0,15}"  # between words, or nothing
# Between words in rules for other languages: fewer, so that their many words compile fast
# without relaxing (`relax_short=False`).
_ml = r"[\s*_\-]{1,4}"


@dataclass(frozen=True, kw_only=True, eq=False)
class InjectionRule(Rule):
    kind: str = "injection"
    lowercase: bool = True
    relax_short: bool = False  # Hyperscan expressions: see `rules._relax`
    # Past a few matches of one rule, more say nothing new (and a text of nothing but `[INST]`
    # would otherwise cost a match object per delimiter).
    max_matches: int | None = 16
    severity: str
    confidence: float
    rot13: bool = False  # also look for the rule spelled in ROT13 (see decode.py)


def alt(*words: str) -> str:
    return "(?:" + "|".join(words) + ")"


def words(*spellings: str) -> str:
    """Alternatives for words of a non-Latin script: lower case, capitalised and upper case,
    each as written and as folded (text in such a script is folded when Latin letters are
    near it)."""
    variants: list[str] = []
    for spelling in spellings:
        for cased in (spelling.lower(), spelling.capitalize(), spelling.upper()):
            for variant in (cased, fold_chars(cased)):
                if variant not in variants:
                    variants.append(variant)
    return "(?:" + "|".join(variants) + ")"


# Words the rules share.
IGNORE = alt(
    "ignore", "disregard", "forget", "override", "bypass", "skip", "discard", "abandon",
    "dismiss", "neglect", "set aside", "throw out", "nevermind", "never mind",
)  # fmt: skip
DETERMINERS = alt(
    "all", "any", "every", "each", "the", "your", "my", "of", "these", "those", "this", "that",
    "both", "and", "above", "prior", "previous",
)  # fmt: skip
PREVIOUS = alt(
    "previous", "previously", "prior", "above", "earlier", "preceding", "former", "original",
    "old", "initial", "foregoing", "system", "developer", "safety",
)  # fmt: skip
INSTRUCTIONS = alt(
    "instructions?", "prompts?", "rules", "directions", "directives?", "guidelines",
    "guidance", "context", "messages?", "commands?", "constraints", "programming", "orders",
    "restrictions", "guardrails", "training", "policies", "policy", "specifications",
    "system prompt",
)  # fmt: skip
ASSISTANT = alt("assistant", "ai", "a\\.i\\.", "chatbot", "bot", "model", "llm", "gpt", "system")
YOUR_PROMPT = alt(
    "system prompt", "system message", "system instructions?", "initial prompt",
    "initial instructions?", "hidden prompt", "hidden instructions?", "original prompt",
    "original instructions?", "secret prompt", "secret instructions?", "developer message",
    "developer prompt", "developer instructions?", "pre-?prompt", "meta-?prompt",
    "prompt template", "base prompt", "internal instructions?", "confidential instructions?",
    "instructions above", "instructions you were given", "rules you were given",
    "hidden rules", "secret rules", "first instructions?",
)  # fmt: skip

DESTINATION = alt(
    "https?://", r"www\.", "url", "address", "endpoint", "server", "webhook", "website", "domain",
    "link", "external", "attacker", r"[a-z0-9._%+\-]{1,64}@",
)  # fmt: skip

RULES: tuple[InjectionRule, ...] = (
    # --- IgnorePrevious --------------------------------------------------------------------------
    InjectionRule(
        name="ignore_previous",
        type="IgnorePrevious",
        severity="high",
        confidence=0.95,
        rot13=True,
        body=rf"\b{IGNORE}{_}(?:{DETERMINERS}{_}){{0,6}}{PREVIOUS}{_}"
        rf"(?:(?:and|or|&){_}{PREVIOUS}{_})?{INSTRUCTIONS}\b",
    ),
    InjectionRule(
        name="ignore_previous.after",
        type="IgnorePrevious",
        severity="high",
        confidence=0.9,
        body=rf"\b{IGNORE}{_}(?:{DETERMINERS}{_}){{0,4}}{INSTRUCTIONS}{_}"
        rf"(?:(?:you{_}(?:were|have{_}been|'ve{_}been){_})?given{_}(?:to{_}you{_})?)?"
        rf"{alt('above', 'before', 'earlier', 'previously', 'so far', 'until now', 'up to now', 'in the system prompt', 'from your developers?', 'from before', 'at the start')}\b",
    ),
    InjectionRule(
        name="ignore_everything",
        type="IgnorePrevious",
        severity="high",
        confidence=0.9,
        body=rf"\b{IGNORE}{_}{alt('everything', 'anything', 'all', 'whatever')}{_}"
        rf"(?:(?:that|which){_})?"
        + alt(
            rf"you{_}(?:were|have{_}been|'ve{_}been){_}{alt('told', 'given', 'taught', 'instructed', 'programmed')}",
            rf"(?:(?:you(?:'ve)?|I|we){_})?(?:was{_}|were{_}|have{_})?{alt('said', 'told you', 'written', 'stated', 'mentioned')}{_}{alt('above', 'before', 'earlier', 'previously', 'so far')}",
            rf"{alt('came', 'comes', 'was said', 'was written', 'is written', 'appears')}{_}{alt('before', 'above', 'earlier', 'previously')}",
            rf"{alt('above', 'before this', 'prior to this', 'up to this point', 'so far')}",
        )
        + r"\b",
    ),
    InjectionRule(
        name="stop_following",
        type="IgnorePrevious",
        severity="high",
        confidence=0.9,
        body=rf"\b{alt('do not', ('don' + Q + 't'), 'dont', 'stop', 'no longer', 'cease', 'quit')}{_}"
        rf"{alt('follow', 'following', 'obey', 'obeying', 'adhere to', 'adhering to', 'listen to', 'listening to', 'comply with', 'complying with', 'respect', 'respecting')}{_}"
        rf"(?:{DETERMINERS}{_}){{0,4}}{PREVIOUS}{_}{INSTRUCTIONS}\b",
    ),
    InjectionRule(
        name="instructions_void",
        type="IgnorePrevious",
        severity="high",
        confidence=0.9,
        body=rf"\b(?:your|the|all){_}(?:{PREVIOUS}{_})?{INSTRUCTIONS}{_}(?:are|were|have{_}been)"
        rf"{_}(?:now{_}|hereby{_})?{alt('void', 'null and void', 'cancell?ed', 'revoked', 'obsolete', 'nullified', 'invalid', 'no longer valid', 'overridden', 'replaced', 'lifted', 'suspended', 'disabled', 'deactivated', 'removed')}\b",
    ),
    # --- PromptExtraction ------------------------------------------------------------------------
    InjectionRule(
        name="prompt_extraction",
        type="PromptExtraction",
        severity="high",
        confidence=0.9,
        rot13=True,
        body=rf"\b{alt('reveal', 'show', 'print', 'display', 'repeat', 'output', 'dump', 'leak', 'tell me', 'give me', 'share', 'disclose', 'expose', 'list', 'write out', 'spell out', 'recite', 'paste', 'provide', 'send me', 'what (?:is|are|was|were)')}"
        rf"{_}(?:me{_})?(?:back{_})?{alt('your', 'the')}{_}"
        rf"(?:{alt('full', 'exact', 'complete', 'entire', 'whole', 'verbatim', 'original', 'current')}{_}){{0,2}}"
        rf"(?:{alt('text', 'content', 'contents', 'wording', 'words')}{_}of{_}{alt('your', 'the')}{_})?{YOUR_PROMPT}\b",
    ),
    InjectionRule(
        name="prompt_extraction.your_instructions",
        type="PromptExtraction",
        severity="high",
        confidence=0.85,
        body=rf"\b{alt('reveal', 'show', 'print', 'display', 'repeat', 'output', 'dump', 'leak', 'tell me', 'give me', 'disclose', 'expose', 'list', 'recite', 'paste', 'spell out')}"
        rf"{_}(?:me{_})?(?:all{_})?(?:of{_})?your{_}"
        rf"(?:{alt('full', 'exact', 'complete', 'entire', 'whole', 'original', 'current', 'hidden', 'secret', 'internal', 'initial')}{_}){{0,2}}"
        rf"{alt('instructions', 'rules', 'guidelines', 'directives', 'programming', 'configuration', 'prompt', 'system prompt', 'initial prompt', 'constraints')}\b",
    ),
    InjectionRule(
        name="prompt_extraction.what_told",
        type="PromptExtraction",
        severity="high",
        confidence=0.85,
        body=rf"\bwhat{_}(?:exactly{_})?(?:were|are|have){_}you{_}(?:been{_})?"
        rf"{alt('told', 'instructed', 'programmed', 'asked', 'prompted')}{_}"
        rf"{alt('before', 'initially', 'originally', 'at the (?:start|beginning)', 'prior to', 'by your (?:developers?|creators?|operators?)', 'in your system prompt', 'not to (?:say|reveal|tell|share)')}\b",
    ),
    InjectionRule(
        name="prompt_extraction.words_above",
        type="PromptExtraction",
        severity="high",
        confidence=0.85,
        body=rf"\b{alt('repeat', 'print', 'output', 'copy', 'echo', 'reproduce', 'recite', 'write out', 'translate')}{_}"
        rf"(?:(?:back|all|the|everything|every|word|verbatim|exactly|text|words|lines?|content|instructions|of|that){_}){{0,4}}"
        rf"{alt('above', 'before this (?:line|message|point)', 'prior to this (?:line|message)', 'preceding this', 'that came before', 'starting (?:with|from) [' + DQ + '`]?you are', 'from the (?:start|beginning) of (?:the|this) (?:conversation|prompt|context)')}",
    ),
    InjectionRule(
        name="prompt_extraction.context",
        type="PromptExtraction",
        severity="high",
        confidence=0.8,
        body=rf"\b{alt('print', 'output', 'display', 'show', 'dump', 'reveal')}{_}(?:me{_})?"
        rf"{alt('your', 'the')}{_}{alt('entire', 'full', 'whole', 'complete', 'raw')}{_}"
        rf"{alt('context window', 'context', 'prompt', 'input', 'conversation context')}\b",
    ),
    # --- SystemRole ------------------------------------------------------------------------------
    InjectionRule(
        name="system_role.line",
        relax_short=True,  # Hyperscan misses `^[ \t]{0,15}...` after many newlines
        type="SystemRole",
        severity="high",
        confidence=0.85,
        body=r"^[ \t]{0,15}(?:#{1,6}[ \t]{0,4}|\*\*|\[)?(?:system|assistant|developer)"
        r"(?:[ \t]{1,4}(?:message|prompt|instruction|override|note))?(?:\*\*|\])?[ \t]{0,4}:",
    ),
    InjectionRule(
        name="system_role.tag",
        type="SystemRole",
        severity="high",
        confidence=0.85,
        body=r"<\|?\s{0,4}(?:system|im_start|developer)\s{0,4}\|?>|\[\s{0,4}system\s{0,4}\]"
        r"|<<\s{0,4}SYS\s{0,4}>>|<\s{0,4}(?:system_prompt|sys)\s{0,4}>",
    ),
    InjectionRule(
        name="system_role.you_are_now",
        type="SystemRole",
        severity="high",
        confidence=0.85,
        rot13=True,
        body=rf"\byou{_}are{_}now{_}(?:(?:an?|the|my){_})?"
        rf"{alt('unrestricted', 'unfiltered', 'jailbroken', 'dan', 'developer mode', 'evil', 'uncensored', 'free', 'liberated', 'unchained', 'rogue', 'unbound', 'unlimited', 'amoral', 'unethical', 'lawless', 'no longer (?:an? )?(?:ai|assistant|bound|restricted|limited|an ai model)', 'in (?:developer|god|jailbreak|dan|unrestricted) mode', 'an? ai (?:without|with no) (?:restrictions|limits|rules|filters)')}\b",
    ),
    InjectionRule(
        name="system_role.act_as",
        type="SystemRole",
        severity="high",
        confidence=0.8,
        body=rf"\b{alt('act', 'behave', 'respond', 'answer', 'reply', 'roleplay', 'role-play', 'pose', 'operate')}{_}as{_}(?:(?:an?|if{_}you{_}were{_}an?|if{_}you{_}were){_})?"
        rf"{alt('unrestricted', 'unfiltered', 'jailbroken', 'uncensored', 'evil', 'unethical', 'amoral', 'rogue', 'unbound', 'unlimited')}\b",
    ),
    InjectionRule(
        name="system_role.from_now_on",
        type="SystemRole",
        severity="high",
        confidence=0.8,
        body=rf"\bfrom{_}now{_}on(?:{_o},)?{_}you{_}(?:are|will{_}be|shall{_}be|must{_}be)\b",
    ),
    InjectionRule(
        name="system_role.new_role",
        type="SystemRole",
        severity="high",
        confidence=0.8,
        body=rf"\byour{_}new{_}{alt('role', 'persona', 'identity', 'name', 'personality', 'purpose', 'programming')}{_}(?:is|will{_}be)\b"
        rf"|\bsystem{_}{alt('override', 'update', 'notice', 'instruction', 'command', 'alert')}{_o}:",
    ),
    # --- JailbreakKeyword ------------------------------------------------------------------------
    InjectionRule(
        name="jailbreak.personas",
        type="JailbreakKeyword",
        severity="high",
        confidence=0.9,
        rot13=True,
        body=rf"\b{alt('dan', 'stan', 'dude', 'aim', 'kevin', 'developer', 'god', 'jailbreak', 'jailbroken', 'evil', 'unrestricted', 'unfiltered', 'uncensored', 'chaos', 'anarchy', 'opposite')}"
        rf"{_}mode{_}(?:is{_}(?:now{_})?)?{alt('enabled', 'activated', 'on', 'unlocked', 'engaged')}\b"
        rf"|\b{alt('enable', 'activate', 'enter', 'switch to', 'turn on', 'unlock', 'engage', 'initiate')}{_}"
        rf"{alt('dan', 'god', 'jailbreak', 'jailbroken', 'evil', 'unrestricted', 'unfiltered', 'uncensored', 'chaos', 'anarchy')}{_}mode\b"
        rf"|\bdo{_}anything{_}now\b"
        rf"|\bdan{_}(?:mode|prompt|jailbreak)\b"
        rf"|\bjailbr(?:eak|oken){_}{alt('mode', 'prompt', 'enabled', 'activated', 'successful', 'complete')}\b",
    ),
    InjectionRule(
        name="jailbreak.no_limits",
        type="JailbreakKeyword",
        severity="high",
        confidence=0.85,
        body=rf"\b(?:{alt('without', 'with no', 'free of', 'free from', 'ignoring', 'ignore', 'bypass', 'bypassing', 'circumvent', 'evade')}{_}"
        rf"(?:(?:any|all|your|the|of|its){_}){{0,2}}"
        rf"|{alt('disable', 'disabling', 'remove', 'removing', 'turn off', 'switch off', 'deactivate', 'lift')}{_}"
        rf"(?:(?:all|of){_}){{0,2}}your{_})"
        rf"{alt('ethical', 'moral', 'safety', 'content', 'openai', 'anthropic', 'ethics')}{_}"
        rf"(?:(?:and|or|&){_}{alt('ethical', 'moral', 'safety', 'content', 'legal')}{_})?"
        rf"{alt('guidelines', 'restrictions', 'constraints', 'filters?', 'limitations', 'boundaries', 'considerations', 'policies', 'protocols', 'guardrails', 'safeguards', 'rules', 'moderation')}\b",
    ),
    InjectionRule(
        name="jailbreak.pretend",
        type="JailbreakKeyword",
        severity="high",
        confidence=0.8,
        body=rf"\b{alt('pretend', 'imagine', 'suppose', 'assume')}{_}(?:that{_})?you{_}"
        rf"{alt('are', 'were', 'have', 'had')}{_}"
        rf"{alt('no (?:restrictions|limits|rules|filters|guidelines|ethical|moral)', 'not bound by', 'been (?:freed|jailbroken|liberated|unshackled)', 'an? (?:unrestricted|unfiltered|evil|uncensored|jailbroken) (?:ai|assistant|model|version)', 'an? ai (?:without|with no) (?:restrictions|rules|filters|limits)', 'broken free')}",
    ),
    InjectionRule(
        name="jailbreak.refusal",
        type="JailbreakKeyword",
        severity="medium",
        confidence=0.75,
        body=rf"\b(?:you{_})?{alt('never', 'must not', 'cannot', ('can' + Q + 't'), 'will not', ('won' + Q + 't'), 'may not', 'are not allowed to', 'are forbidden to', 'are unable to')}{_}"
        rf"{alt('refuse', 'decline', 'say no', 'reject')}{_}(?:(?:any|a|my|this|to){_}){{0,2}}"
        rf"{alt('request', 'requests', 'question', 'questions', 'prompt', 'answer', 'anything', 'me')}\b"
        rf"|\bstay{_}in{_}character{_}(?:no{_}matter{_}what|at{_}all{_}(?:times|costs))\b",
    ),
    InjectionRule(
        name="jailbreak.evil_twin",
        type="JailbreakKeyword",
        severity="high",
        confidence=0.8,
        body=rf"\b{alt('evil', 'opposite', 'shadow', 'dark', 'unfiltered', 'uncensored', 'unrestricted')}{_}"
        rf"{alt('twin', 'version', 'side', 'counterpart', 'alter ego')}{_}of{_}"
        rf"{alt('yourself', 'you', 'chatgpt', 'claude', 'gpt', 'gemini', 'the ai', 'the assistant', 'this ai')}\b",
    ),
    # --- DelimiterInjection ----------------------------------------------------------------------
    InjectionRule(
        name="delimiter.fence",
        type="DelimiterInjection",
        severity="high",
        confidence=0.85,
        before=r"\-=#*_~",
        body=r"[\-=#*_~]{3,30}[ \t]{0,4}"
        + alt("end", "begin", "start", "close", "new")
        + _
        + r"(?:of"
        + _
        + r")?(?:the"
        + _
        + r")?"
        + alt(
            "user input",
            "user message",
            "user prompt",
            "user data",
            "system prompt",
            "system message",
            "system instructions?",
            "prompt",
            "instructions?",
            "conversation",
            "context",
            "document",
            "input",
            "untrusted (?:input|content|data)",
            "admin",
            "developer",
            "data",
        )
        + r"\b",
    ),
    InjectionRule(
        name="delimiter.special_tokens",
        type="DelimiterInjection",
        severity="high",
        confidence=0.9,
        body=r"<\|\s{0,2}(?:endoftext|im_end|im_sep|end_of_turn|eot_id|end|start_header_id|"
        r"end_header_id|begin_of_text|eom_id|endofprompt|fim_prefix|fim_suffix)\s{0,2}\|>"
        r"|\[/?INST\]|<</SYS>>|<(?:start|end)_of_turn>|</s>\s{0,8}<s>",
    ),
    InjectionRule(
        name="delimiter.closing_tag",
        type="DelimiterInjection",
        severity="high",
        confidence=0.8,
        body=r"</\s{0,2}(?:user_?input|user_?message|user|untrusted_?(?:input|content|data)|"
        r"document|data|input|context|email|query|human)\s{0,2}>\s{0,15}"
        r"<\s{0,2}(?:system|instructions?|admin|developer|assistant)\s{0,2}>",
    ),
    InjectionRule(
        name="delimiter.fenced_role",
        type="DelimiterInjection",
        severity="high",
        confidence=0.8,
        body=r"```[ \t]{0,4}(?:system|instructions?|admin|developer|sys)[ \t]{0,4}\n",
    ),
    InjectionRule(
        name="delimiter.end_marker",
        type="DelimiterInjection",
        severity="high",
        confidence=0.85,
        body=rf"(?:\]\]>|\}}\}}|\]\]|-->|\"\"\"|'''|`{{3}})?[ \t]{{0,4}}\b{alt('end of', 'ignore')}{_}"
        rf"{alt('user input', 'untrusted input', 'the user input', 'the untrusted', 'system prompt', 'the document', 'document')}"
        rf"{_o}[.:!\-]{{1,3}}{_o}{alt('new', 'now', 'real', 'actual', 'next')}{_}{alt('instructions?', 'task', 'system', 'prompt', 'directives?')}\b",
    ),
    # --- ContextSwitching ------------------------------------------------------------------------
    InjectionRule(
        name="context_switch.new_instructions",
        type="ContextSwitching",
        severity="medium",
        confidence=0.8,
        body=rf"\b{alt('new', 'updated', 'revised', 'different', 'additional', 'override', 'replacement', 'secret')}{_}"
        rf"{alt('instructions?', 'directives?', 'system prompt', 'orders', 'rules')}{_o}"
        rf"(?:{alt('are', 'follow', 'below', 'as follows')}{_o})?:",
    ),
    InjectionRule(
        name="context_switch.instead",
        type="ContextSwitching",
        severity="medium",
        confidence=0.75,
        body=rf"\b{alt('instead of', 'rather than')}{_}"
        rf"{alt('translating', 'summari[sz]ing', 'answering', 'doing (?:that|this|what)', 'following', 'completing', 'responding', 'reviewing', 'analy[sz]ing', 'classifying', 'checking')}"
        rf"(?:{_}(?:(?:the|this|that|it|text|email|document|article|message|question|task|above|input)(?:{_})?){{0,3}})?"
        rf"{_o},?{_o}(?:you{_}(?:should|must|will|need{_}to){_}|just{_}|please{_})?"
        rf"{alt('say', 'write', 'print', 'output', 'tell', 'reveal', 'ignore', 'respond', 'reply', 'do', 'send', 'execute', 'run', 'list', 'give')}\b",
    ),
    InjectionRule(
        name="context_switch.stop_being",
        type="ContextSwitching",
        severity="medium",
        confidence=0.75,
        body=rf"\b{alt('stop', 'quit', 'cease', 'no longer')}{_}{alt('being', 'acting as', 'pretending to be', 'playing', 'working as')}{_}"
        rf"(?:(?:an?|the|my|a helpful){_})?{alt('assistant', 'ai', 'chatbot', 'translator', 'summari[sz]er', 'helpful', 'customer service', 'support agent', 'language model', 'bot')}\b",
    ),
    InjectionRule(
        name="context_switch.over",
        type="ContextSwitching",
        severity="medium",
        confidence=0.7,
        body=rf"\b(?:the{_})?{alt('conversation', 'session', 'task', 'roleplay', 'simulation', 'exercise', 'translation', 'summary', 'document', 'article', 'email', 'story', 'previous task')}{_}"
        rf"(?:is|has){_}(?:now{_}|officially{_})?{alt('over', 'ended', 'finished', 'complete', 'completed', 'done')}{_o}[.!,;:]{_o}"
        rf"{alt('now', 'next', 'new task', 'from now on', 'your new', 'you will now', 'you are now', 'start', 'begin')}\b",
    ),
    InjectionRule(
        name="context_switch.ignore_and",
        type="ContextSwitching",
        severity="medium",
        confidence=0.75,
        body=rf"\b{alt('ignore', 'disregard', 'forget', 'skip')}{_}"
        rf"(?:(?:the|this|that|all|of){_}){{0,2}}"
        rf"(?:{alt('above', 'text above', 'following', 'text', 'document', 'article', 'email', 'message', 'task', 'question', 'content', 'input', 'page', 'story', 'conversation', 'translation', 'summary')}|that|this|it)"
        rf"{_o}(?:,{_o}(?:and{_})?|and{_}|;{_o}){_o}(?:{alt('instead', 'just', 'now', 'only', 'simply')}{_}){{1,2}}"
        rf"{alt('say', 'write', 'print', 'output', 'tell', 'reveal', 'respond', 'reply', 'do', 'send', 'list', 'give', 'answer', 'translate', 'follow')}\b",
    ),
    # --- ConfusionPattern ------------------------------------------------------------------------
    InjectionRule(
        name="confusion.previous_was",
        type="ConfusionPattern",
        severity="medium",
        confidence=0.75,
        body=rf"\b(?:the{_}|your{_}|all{_}|those{_})?{alt('previous', 'above', 'earlier', 'prior', 'preceding', 'original', 'old', 'first')}{_}"
        rf"{alt('instructions?', 'prompts?', 'rules', 'messages?', 'directions', 'guidelines')}{_}(?:was|were|is|are){_}"
        rf"(?:(?:just|only|merely|simply|all|a|an|actually|in fact){_}){{0,3}}"
        rf"{alt('test', 'tests', 'joke', 'mistake', 'fake', 'wrong', 'outdated', 'trick', 'incorrect', 'not real', 'not valid', 'decoy', 'prank', 'drill', 'lies', 'a lie', 'fabricated', 'error', 'placeholder', 'example', 'typo', 'deprecated', 'superseded')}\b",
    ),
    InjectionRule(
        name="confusion.real_task",
        type="ConfusionPattern",
        severity="medium",
        confidence=0.75,
        body=rf"\byour{_}{alt('real', 'actual', 'true', 'secret', 'hidden', 'genuine')}{_}"
        rf"{alt('instructions', 'task', 'purpose', 'goal', 'objective', 'mission', 'directive', 'job', 'orders', 'programming')}{_}(?:is|are|was){_o}:?"
        rf"|\bthe{_}{alt('real', 'actual', 'true', 'genuine')}{_}{alt('instructions', 'system prompt', 'rules')}{_}{alt('are', 'is', 'follow', 'say')}\b",
    ),
    InjectionRule(
        name="confusion.just_a_test",
        type="ConfusionPattern",
        severity="medium",
        confidence=0.7,
        body=rf"\b(?:that|this|it|everything{_}(?:above|before)){_}(?:was|is){_}(?:just|only|merely){_}"
        rf"(?:a{_})?{alt('test', 'joke', 'drill', 'warm-?up', 'simulation', 'hypothetical')}{_o}[.!,;:]{_o}"
        rf"{alt('now', 'the real', 'here is', ('here' + Q + 's'), 'actually', 'your real', 'your actual', 'the actual')}\b",
    ),
    InjectionRule(
        name="confusion.not_an_injection",
        type="ConfusionPattern",
        severity="medium",
        confidence=0.75,
        body=rf"\b(?:(?:this|the|my)(?:{_}{alt('email', 'message', 'request', 'text', 'document', 'input', 'prompt', 'content', 'page', 'note')})?|it|the{_}following){_}"
        rf"is{_}(?:not|n't|definitely{_}not|totally{_}not){_}"
        rf"(?:an?{_})?{alt('prompt injection', 'injection', 'jailbreak', 'attack', 'trick', 'hack', 'exploit', 'manipulation')}"
        rf"|\b{alt('correction', 'clarification', 'erratum', 'important update', 'update')}{_o}:{_o}"
        rf"{alt('your', 'the')}{_}{alt('instructions', 'rules', 'guidelines', 'task', 'system prompt')}{_}"
        rf"{alt('are', 'is', 'say', 'have changed', 'were wrong', 'now say')}\b"
        rf"|\byou{_}{alt('misunderstood', 'misread', 'misinterpreted', 'were mistaken about')}{_}{alt('your', 'the', 'my')}{_}"
        rf"{alt('instructions', 'rules', 'guidelines', 'task', 'system prompt', 'orders')}",
    ),
    # --- ChainOfThought --------------------------------------------------------------------------
    InjectionRule(
        name="cot.reveal_reasoning",
        type="ChainOfThought",
        severity="medium",
        confidence=0.75,
        body=rf"\b{alt('show', 'reveal', 'print', 'output', 'share', 'display', 'dump', 'expose', 'give me', 'tell me', 'leak', 'repeat', 'write out')}{_}(?:me{_})?"
        rf"(?:your|the{_}model's|its){_}"
        rf"(?:{alt('hidden', 'internal', 'private', 'full', 'raw', 'complete', 'entire', 'secret', 'unfiltered', 'inner')}{_}){{0,2}}"
        rf"{alt('chain[- ]of[- ]thought', 'reasoning (?:process|steps|trace|tokens|chain)', 'scratch ?pad', 'thought process', 'thinking (?:process|tokens|steps)', 'internal monologue', 'inner monologue', 'hidden thoughts', 'reasoning', 'thoughts')}\b",
    ),
    InjectionRule(
        name="cot.think_to_bypass",
        type="ChainOfThought",
        severity="high",
        confidence=0.75,
        body=rf"\b(?:let's{_}|lets{_}|please{_})?{alt('think', 'reason', 'work', 'go')}{_}(?:this{_}through{_})?step{_o}[- ]?{_o}by{_o}[- ]?{_o}step{_}"
        rf"(?:about{_})?(?:how{_}(?:to{_}|you{_}(?:can|could|would){_}|I{_}(?:can|could){_})|on{_}how{_}to{_})"
        rf"{alt('bypass', 'circumvent', 'evade', 'get around', 'break', 'disable', 'defeat', 'jailbreak', 'escape', 'ignore', 'override', 'avoid')}{_}"
        rf"(?:(?:your|the|its|all|any){_}){{0,2}}"
        rf"{alt('safety', 'rules', 'guidelines', 'restrictions', 'filters?', 'guardrails', 'content policy', 'policies', 'instructions', 'system prompt', 'moderation', 'alignment', 'training', 'safeguards', 'ethical')}\b",
    ),
    InjectionRule(
        name="cot.in_reasoning",
        type="ChainOfThought",
        severity="medium",
        confidence=0.7,
        body=rf"\bin{_}your{_}(?:{alt('hidden', 'internal', 'private', 'secret')}{_})?"
        rf"{alt('reasoning', 'thinking', 'scratch ?pad', 'chain[- ]of[- ]thought', 'thoughts', 'thought process', 'inner monologue')}{_o},?{_o}"
        rf"(?:you{_}(?:should|must|will|can){_})?(?:secretly{_}|silently{_}|quietly{_})?"
        rf"{alt('ignore', 'disregard', 'forget', 'override', 'bypass', 'decide to ignore', 'plan to', 'conclude that', 'pretend', 'hide', 'note that the rules')}\b",
    ),
    InjectionRule(
        name="cot.step_one",
        type="ChainOfThought",
        severity="medium",
        confidence=0.7,
        body=rf"\bstep{_o}(?:1|one){_o}[:.)\-]{_o}"
        rf"{alt('ignore', 'disregard', 'forget', 'disable', 'bypass', 'override', 'turn off', 'remove')}{_}"
        rf"(?:(?:all|your|the|any|of|previous|prior|safety|ethical|content){_}){{0,3}}"
        rf"{alt('instructions', 'rules', 'guidelines', 'restrictions', 'filters', 'guardrails', 'safety', 'system prompt', 'constraints', 'policies', 'training')}\b",
    ),
    # --- RoleReversal ----------------------------------------------------------------------------
    InjectionRule(
        name="role_reversal.you_user",
        type="RoleReversal",
        severity="high",
        confidence=0.85,
        body=rf"\b(?:you{_}are|you're|you{_}will{_}be|you{_}play|you{_}be){_}(?:now{_})?(?:the{_})?"
        rf"{alt('user', 'human', 'customer', 'client', 'prompter')}{_o}(?:,|and|while|;|\.){_o}"
        rf"(?:I{_}am|I'm|I{_}will{_}be|I{_}play|I{_}become){_}(?:now{_})?(?:the{_}|your{_})?"
        rf"{ASSISTANT}\b",
    ),
    InjectionRule(
        name="role_reversal.i_assistant",
        type="RoleReversal",
        severity="high",
        confidence=0.85,
        body=rf"\b(?:I{_}am|I'm|I{_}will{_}be|I{_}play|I{_}become){_}(?:now{_})?(?:the{_})?"
        rf"{ASSISTANT}{_o}(?:,|and|while|;|\.){_o}"
        rf"(?:you{_}are|you're|you{_}will{_}be|you{_}play|you{_}be){_}(?:now{_})?(?:the{_}|my{_})?"
        rf"{alt('user', 'human', 'customer', 'client', 'prompter')}\b"
        rf"|\bfrom{_}now{_}on(?:{_o},)?{_}I{_}(?:am|will{_}be){_}(?:the{_}|your{_})?{ASSISTANT}\b",
    ),
    InjectionRule(
        name="role_reversal.swap",
        type="RoleReversal",
        severity="medium",
        confidence=0.6,
        body=rf"\b{alt(('let' + Q + 's'), 'lets', 'we will', 'we should', 'we can', 'now we', ('we' + Q + 'll'))}{_}"
        rf"{alt('switch', 'swap', 'reverse', 'exchange', 'trade', 'flip', 'invert')}{_}(?:our{_}|the{_})?roles\b"
        rf"|\b{alt('switch', 'swap', 'reverse', 'flip', 'invert')}{_}roles{_}with{_}me\b",
    ),
    InjectionRule(
        name="role_reversal.i_instruct_you",
        type="RoleReversal",
        severity="high",
        confidence=0.8,
        body=rf"\bI{_}(?:am|will{_}be){_}(?:now{_})?(?:the{_}one{_}who{_}(?:gives|sets|writes)|in{_}charge{_}of){_}"
        rf"(?:the{_}|your{_})?{alt('instructions', 'system prompt', 'rules', 'orders')}\b",
    ),
    # --- AuthorityAppeal -------------------------------------------------------------------------
    InjectionRule(
        name="authority.i_am_your",
        type="AuthorityAppeal",
        severity="high",
        confidence=0.8,
        body=rf"\b(?:I{_}am|I'm|this{_}is|we{_}are|speaking{_}as|as){_}(?:one{_}of{_})?your{_}"
        rf"(?:{alt('lead', 'chief', 'head', 'senior', 'original', 'real', 'actual', 'true')}{_})?"
        rf"{alt('developers?', 'creators?', 'programmers?', 'administrators?', 'admins?', 'owners?', 'operators?', 'makers?', 'designers?', 'engineers?', 'trainers?', 'supervisors?', 'system administrators?')}\b",
    ),
    InjectionRule(
        name="authority.vendor",
        type="AuthorityAppeal",
        severity="high",
        confidence=0.8,
        body=rf"\b(?:I{_}am|I'm|I{_}work|we{_}are|this{_}is|message){_}(?:an?{_}|the{_})?(?:from{_}|at{_}|for{_})?(?:the{_})?"
        rf"{alt('openai', 'anthropic', 'google deepmind', 'deepmind', 'meta ai', 'microsoft', 'mistral')}(?:'s)?{_}"
        rf"(?:{alt('on', 'in', 'with', 'as')}{_}(?:the{_}|an?{_})?)?"
        rf"{alt('employee', 'engineer', 'staff', 'team', 'researcher', 'developer', 'safety team', 'red team', 'admin', 'administrator', 'trust and safety', 'alignment team', 'support')}\b",
    ),
    InjectionRule(
        name="authority.override",
        type="AuthorityAppeal",
        severity="high",
        confidence=0.85,
        body=rf"\b{alt('admin', 'administrator', 'root', 'sudo', 'developer', 'emergency', 'master', 'security', 'maintenance', 'superuser', 'god')}{_}"
        rf"{alt('override', 'overrides', 'access granted', 'mode (?:enabled|activated|on)', 'privileges granted', 'command', 'authori[sz]ation code')}\b",
    ),
    InjectionRule(
        name="authority.authorized",
        type="AuthorityAppeal",
        severity="medium",
        confidence=0.7,
        body=rf"\b(?:this{_}(?:request|message|action|instruction){_}(?:is|has{_}been){_})?"
        rf"{alt('authori[sz]ed', 'approved', 'sanctioned', 'permitted', 'cleared', 'signed off')}{_}by{_}"
        rf"{alt('openai', 'anthropic', 'your (?:developers?|creators?|administrators?|owners?|operators?)', 'the (?:developers?|admins?|administrators?|system owner|ceo|security team|operators?)', 'management')}\b"
        rf"|\bthis{_}is{_}(?:an?{_})?{alt('official', 'authori[sz]ed', 'priority', 'urgent', 'mandatory', 'verified')}{_}"
        rf"{alt('request', 'message', 'directive', 'order', 'instruction', 'command', 'notice')}{_}from{_}"
        rf"{alt('openai', 'anthropic', 'the (?:developers?|admins?|administrators?|security team|system)', 'your (?:developers?|creators?|administrators?)')}\b",
    ),
    InjectionRule(
        name="authority.as_your",
        type="AuthorityAppeal",
        severity="high",
        confidence=0.8,
        body=rf"\bas{_}(?:your|the){_}(?:{alt('system', 'lead', 'chief', 'head', 'senior', 'real')}{_})?"
        rf"{alt('developer', 'creator', 'administrator', 'admin', 'owner', 'operator', 'supervisor', 'boss', 'master', 'programmer')}{_o},{_o}"
        rf"I{_}{alt('command', 'order', 'instruct', 'authori[sz]e', 'require', 'demand', 'direct', 'permit', 'allow')}\b"
        rf"|\bI{_}have{_}{alt('root', 'admin', 'administrator', 'developer', 'sudo', 'special', 'elevated', 'full', 'override')}{_}"
        rf"{alt('access', 'privileges', 'clearance', 'permissions?', 'rights')}{_o}[,.;]?{_o}so{_}you{_}{alt('must', 'can', 'should', 'have to', 'are allowed to', 'may')}\b",
    ),
    # --- OutputManipulation ----------------------------------------------------------------------
    InjectionRule(
        name="output.begin_with",
        type="OutputManipulation",
        severity="medium",
        confidence=0.75,
        body=rf"\b{alt('begin', 'start', 'preface', 'prefix', 'open')}{_}{alt('your', 'each', 'every', 'all')}{_}(?:of{_}your{_})?"
        rf"{alt('responses?', 'replies', 'reply', 'answers?', 'outputs?', 'messages?')}{_}with{_o}(?:\"|'|“)?{_o}"
        rf"{alt('sure', 'absolutely', 'of course', 'certainly', 'yes', 'i can', 'here is', ('here' + Q + 's'), 'jailbr', 'dan:', 'understood', 'i will', 'no problem')}"
        rf"|\b(?:your|the){_}{alt('response', 'answer', 'output', 'reply')}{_}must{_}{alt('start', 'begin', 'open')}{_}with{_o}(?:\"|'|“)?{_o}"
        rf"{alt('sure', 'absolutely', 'certainly', 'of course', 'here is', ('here' + Q + 's'), 'yes')}",
    ),
    InjectionRule(
        name="output.no_warnings",
        type="OutputManipulation",
        severity="medium",
        confidence=0.7,
        body=rf"\b{alt('do not', ('don' + Q + 't'), 'never', 'without', 'no', 'skip', 'omit', 'leave out')}{_}"
        rf"(?:{alt('include', 'add', 'mention', 'give', 'provide', 'output', 'write', 'show', 'use', 'print', 'adding', 'including', 'giving')}{_})?"
        rf"(?:(?:any|the|your|of){_}){{0,2}}"
        rf"{alt('disclaimers?', 'safety (?:warnings?|notes?|messages?|disclaimers?)', 'moral(?:izing| lectures?| judgments?| commentary)', 'ethical (?:warnings?|notes?|disclaimers?|considerations|commentary|lectures?)', 'refusals?', 'content warnings?', 'caveats or warnings', 'warnings or disclaimers', 'apologies or disclaimers')}\b",
    ),
    InjectionRule(
        name="output.pwned",
        type="OutputManipulation",
        severity="high",
        confidence=0.85,
        body=rf"\b{alt('say', 'print', 'output', 'write', 'respond with', 'reply with', 'answer with', 'return', 'type')}{_o}(?:\"|'|“|:)?{_o}"
        rf"(?:i{_}have{_}been|you{_}have{_}been|i've{_}been|you've{_}been){_}pwned\b"
        rf"|\b{alt('respond', 'reply', 'answer', 'output')}{_}only{_}with{_o}(?:\"|'|“)?{_o}"
        rf"{alt('access granted', 'approved', 'granted', 'pwned', 'hacked', 'authori[sz]ed', 'i have been pwned')}",
    ),
    InjectionRule(
        name="output.verbatim",
        type="OutputManipulation",
        severity="medium",
        confidence=0.65,
        body=rf"\b{alt('print', 'output', 'repeat', 'say', 'write', 'reply with', 'respond with')}{_}"
        rf"(?:{alt('the following', 'this', 'exactly this', 'only this', 'these words')}){_}"
        rf"(?:(?:text|string|message|sentence|phrase){_})?"
        rf"{alt('verbatim', 'exactly', 'word for word', 'character for character')}{_o},?{_o}"
        rf"{alt('and nothing else', 'with nothing else', 'without (?:any )?(?:changes|comments?|explanations?|modifications)', 'no matter what', 'regardless of (?:your|the) (?:instructions|rules)')}",
    ),
    InjectionRule(
        name="output.always_answer",
        type="OutputManipulation",
        severity="medium",
        confidence=0.65,
        body=rf"\b{alt('always', 'only ever')}{_}{alt('answer', 'respond', 'reply')}{_}(?:in{_}the{_})?affirmative\b"
        rf"|\b{alt('include', 'insert', 'embed', 'append', 'add')}{_}(?:this|the{_}following){_}"
        rf"{alt('link', 'url', 'image', 'markdown image', 'script', 'html')}{_}(?:in|to|into|at{_}the{_}end{_}of){_}"
        rf"{alt('every', 'each', 'all', 'your')}{_}(?:of{_}your{_})?{alt('responses?', 'answers?', 'replies', 'reply', 'messages?', 'outputs?')}\b",
    ),
    # --- MemoryExfiltration ----------------------------------------------------------------------
    InjectionRule(
        name="memory.other_users",
        type="MemoryExfiltration",
        severity="high",
        confidence=0.85,
        body=rf"\b{alt('what', 'tell me what', 'show me what', 'repeat what')}{_}"
        rf"(?:{alt('did', 'has', 'have', 'do')}{_})?(?:the{_})?"
        rf"{alt('previous', 'last', 'other', 'earlier', 'prior', 'former', 'another', 'different')}{_}"
        rf"{alt('users?', 'persons?', 'customers?', 'people', 'sessions?', 'clients?', 'visitors?', 'patients?')}{_}"
        rf"{alt('say', 'said', 'ask', 'asked', 'tell', 'told', 'write', 'wrote', 'send', 'sent', 'type', 'typed', 'share', 'shared', 'upload', 'uploaded', 'submit', 'submitted', 'talk about')}\b"
        rf"|\b{alt('what', 'tell me what', 'show me what', 'repeat what')}{_}(?:{alt('did', 'has', 'have', 'do')}{_})?the{_}"
        rf"{alt('user', 'person', 'customer', 'client', 'one', 'people', 'users')}{_}{alt('before me', 'before this one', 'before us', 'in the last session', 'in the previous session', 'in other chats', 'in other sessions')}{_}"
        rf"{alt('say', 'said', 'ask', 'asked', 'tell', 'told', 'write', 'wrote', 'send', 'sent', 'type', 'typed', 'share', 'shared', 'talk about')}\b"
        rf"|\b{alt('transcript', 'transcripts', 'logs?', 'history', 'contents?', 'details', 'record', 'records')}{_}of{_}(?:the{_}|your{_}|any{_}|all{_})?"
        rf"(?:{alt('previous', 'last', 'other', 'earlier', 'prior', 'past')}{_})?{alt('conversations?', 'chats?', 'sessions?', 'interactions?')}{_}"
        rf"(?:you{_}(?:had|have{_}had){_})?with{_}{alt('another', 'other', 'a different', 'previous', 'different')}{_}{alt('users?', 'customers?', 'persons?', 'people', 'clients?')}\b"
        rf"|\b{alt('what', 'everything', 'anything')}{_}"
        rf"{alt('do you (?:know|remember|recall)', 'have you (?:stored|saved|memori[sz]ed|learned|recorded|seen)', 'did you learn', 'you (?:have )?(?:stored|saved|memori[sz]ed|recorded|know|remember)')}{_}"
        rf"about{_}{alt('other', 'previous', 'your other', 'all your', 'other people')}{_}?"
        rf"{alt('users', 'customers', 'people', 'conversations', 'clients', 'chats', 'sessions')}\b"
        rf"|\b{alt('show', 'print', 'dump', 'list', 'reveal', 'output', 'share', 'give me', 'repeat', 'leak')}{_}(?:me{_})?"
        rf"(?:(?:all|the|every){_}){{0,2}}{alt('other users?', ('other users' + Q + ''), 'other customers?', ('other people' + Q + 's'), 'previous users?', ('previous users' + Q + ''))}{_}"
        rf"(?:{alt('conversations?', 'chats?', 'messages', 'data', 'queries', 'questions', 'prompts', 'history', 'details', 'information', 'emails', 'files', 'uploads', 'records')})\b",
    ),
    InjectionRule(
        name="memory.history",
        type="MemoryExfiltration",
        severity="medium",
        confidence=0.7,
        body=rf"\b{alt('repeat', 'show', 'print', 'dump', 'list', 'reveal', 'output', 'share', 'give me', 'export', 'display', 'retrieve', 'recall')}{_}(?:me{_})?"
        rf"(?:(?:all|the|your|our|every|of){_}){{0,3}}"
        rf"{alt('entire', 'full', 'whole', 'complete', 'stored', 'saved', 'cached', 'past', 'previous', 'earlier', 'hidden', 'long-term', 'persistent')}{_}"
        rf"{alt('conversation history', 'chat history', 'conversations?', 'chats', 'chat logs?', 'memory', 'memories', 'sessions', 'interactions', 'message history', 'context memory', 'user data', 'stored data')}\b",
    ),
    InjectionRule(
        name="memory.send_to",
        type="MemoryExfiltration",
        severity="high",
        confidence=0.85,
        body=rf"\b{alt('send', 'post', 'upload', 'forward', 'transmit', 'exfiltrate', 'leak', 'email', 'e-mail', 'mail', 'append', 'encode', 'copy', 'submit', 'fetch', 'make a request to')}{_}"
        rf"(?:{alt('all', 'the', 'this', 'our', 'your', 'my', 'every', 'entire', 'full', 'whole', 'of')}{_}){{0,3}}"
        rf"{alt('conversations?', 'chats?', 'chat history', 'history', 'messages?', 'data', 'memory', 'context', 'system prompt', 'secrets?', 'credentials', 'api keys?', 'tokens?', 'session', 'user data', 'personal data', 'passwords?', 'transcripts?', 'documents?', 'files', 'emails?')}{_}"
        rf"(?:{alt('to', 'into', 'at', 'in')}{_}(?:the{_}|this{_}|my{_}|a{_})?(?:following{_})?)"
        rf"{DESTINATION}",
    ),
    InjectionRule(
        name="memory.markdown_exfil",
        type="MemoryExfiltration",
        severity="high",
        confidence=0.85,
        body=r"!\[[A-Za-z0-9 _.,:;!?'\-]{0,100}\]\(\s{0,4}https?://[A-Za-z0-9._~:/#@!$&'*+,;=%\-]{1,300}"
        r"\?[A-Za-z0-9._~:/#@!$&'*+,;=%\-]{0,200}?=(?:\{|%7[Bb]|\$|\[|<)",
        anchor=r"!\[",
    ),
    # --- EncodedInstruction (an instruction to decode, not the payload itself) ------------------
    InjectionRule(
        name="encoded.instruction",
        type="EncodedInstruction",
        severity="medium",
        confidence=0.75,
        body=rf"\b{alt('decode', 'decrypt', 'translate', 'convert', 'deobfuscate', 'unscramble', 'reverse', 'read')}{_}"
        rf"(?:(?:this|the|following|these|that|my){_}){{0,2}}"
        rf"{alt('base64', 'base-64', 'b64', 'hex', 'hexadecimal', 'rot13', 'rot-13', 'binary', 'morse', 'caesar', 'encoded', 'encrypted', 'ciphered', 'reversed')}{_}"
        rf"(?:(?:string|text|message|payload|code|instructions?|input|below|above|cipher){_}){{0,2}}"
        rf"(?:and{_}|then{_}|,{_o}){{1,2}}(?:then{_})?"
        rf"{alt('follow', 'execute', 'run', 'obey', 'do', 'perform', 'apply', 'carry out', 'act on', 'comply with', 'answer', 'respond to')}\b",
    ),
    # --- MultilingualBypass ----------------------------------------------------------------------
    InjectionRule(
        name="multilingual.romance",
        relax_short=False,
        type="MultilingualBypass",
        severity="high",
        confidence=0.9,
        # Spanish, Portuguese, Italian, French (folded: no accents)
        body=rf"\b{alt('ignora', 'ignore', 'ignoren', 'ignorez', 'ignores', 'olvida', 'olvide', 'olvidate de', 'omite', 'descarta', 'esqueca', 'esquece', 'desconsidere', 'desconsidera', 'dimentica', 'oublie', 'oubliez', 'neglige', 'negligez')}{_ml}"
        rf"(?:{alt('todas', 'todos', 'tutte', 'tutti', 'toutes', 'tous', 'las', 'los', 'as', 'os', 'le', 'les', 'tus', 'sus', 'tuas', 'suas', 'tue', 'vos', 'tes', 'mes', 'de', 'di', 'des', 'cualquier', 'qualquer', 'qualsiasi')}{_ml}){{0,3}}"
        rf"{alt('instrucciones', 'indicaciones', 'reglas', 'ordenes', 'instrucoes', 'regras', 'orientacoes', 'istruzioni', 'regole', 'indicazioni', 'instructions', 'consignes', 'regles', 'directives', 'directivas', 'diretrizes')}{_ml}"
        rf"{alt('anteriores', 'previas', 'precedentes', 'precedenti', 'previe', 'anterieures', 'de arriba', 'acima', 'di prima', 'ci-dessus', ('d' + Q + 'avant'), 'du systeme', 'del sistema', 'do sistema', 'originales', 'originais', 'originali', 'iniciales', 'iniciais', 'iniziali', 'initiales')}\b",
    ),
    InjectionRule(
        name="multilingual.germanic",
        relax_short=False,
        type="MultilingualBypass",
        severity="high",
        confidence=0.9,
        # German, Dutch, Swedish, Danish, Norwegian (folded)
        body=rf"\b{alt('ignoriere', 'ignorieren sie', 'ignorier', 'vergiss', 'vergessen sie', 'missachte', 'missachten sie', 'negeer', 'vergeet', 'ignorer', 'ignorera', 'glem', 'glom', 'bortse fra')}{_ml}"
        rf"(?:{alt('alle', 'die', 'deine', 'ihre', 'samtliche', 'jegliche', 'de', 'je', 'jouw', 'uw', 'alla', 'dina', 'tidigare', 'dine', 'all')}{_ml}){{0,3}}"
        rf"(?:{alt('vorherigen', 'bisherigen', 'obigen', 'fruheren', 'vorangegangenen', 'vorigen', 'alten', 'ursprunglichen', 'vorige', 'eerdere', 'voorgaande', 'bovenstaande', 'oorspronkelijke', 'tidigare', 'forrige', 'tidligere', 'ovenstaende', 'foregaende')}{_ml})"
        rf"{alt('anweisungen', 'instruktionen', 'regeln', 'befehle', 'vorgaben', 'anordnungen', 'instructies', 'regels', 'opdrachten', 'aanwijzingen', 'instruktioner', 'regler', 'instruksjoner', 'instrukser', 'instruktionerna')}\b",
    ),
    InjectionRule(
        name="multilingual.other_latin",
        relax_short=False,
        type="MultilingualBypass",
        severity="high",
        confidence=0.9,
        # Polish, Czech, Turkish, Indonesian/Malay, Vietnamese, Romanian (folded)
        body=alt(
            rf"\b{alt('zignoruj', 'zapomnij', 'ignoruj')}{_ml}(?:{alt('wszystkie', 'wszelkie', 'swoje')}{_ml}){{0,2}}{alt('poprzednie', 'wczesniejsze', 'dotychczasowe')}{_ml}{alt('instrukcje', 'polecenia', 'zasady')}\b",
            rf"\b{alt('ignoruj', 'zapomen')}{_ml}(?:{alt('vsechny', 'sve')}{_ml})?{alt('predchozi', 'predesle')}{_ml}{alt('instrukce', 'pokyny')}\b",
            rf"\b{alt('onceki', 'yukaridaki')}{_ml}(?:{alt('tum', 'butun')}{_ml})?{alt('talimatlari', 'talimatlar', 'komutlari', 'kurallari')}{_ml}{alt('yok say', 'gormezden gel', 'unut', 'dikkate alma')}",
            rf"\b{alt('abaikan', 'lupakan', 'acuhkan')}{_ml}(?:{alt('semua', 'segala')}{_ml})?{alt('instruksi', 'arahan', 'perintah')}{_ml}(?:{alt('sebelumnya', 'terdahulu', 'di atas')})",
            rf"\bbo{_ml}qua{_ml}(?:(?:tat{_ml}ca|moi|cac|nhung){_ml}){{0,3}}{alt('huong dan', 'chi dan', 'lenh', 'chi thi')}{_ml}{alt('truoc', 'truoc do', 'tren')}\b",
            rf"\b{alt('ignora', 'uita')}{_ml}(?:{alt('toate', 'orice')}{_ml})?{alt('instructiunile', 'instructiuni')}{_ml}{alt('anterioare', 'precedente')}\b",
        ),
    ),
    InjectionRule(
        name="multilingual.cyrillic",
        relax_short=False,
        type="MultilingualBypass",
        severity="high",
        confidence=0.9,
        # Russian, Ukrainian
        body=words(
            "игнорируй",
            "игнорируйте",
            "проигнорируй",
            "забудь",
            "забудьте",
            "отбрось",
            "ігноруй",
            "забудь",
            "проігноруй",
        )
        + _ml
        + "(?:"
        + words("все", "всё", "свои", "прежние", "всі", "усі", "свої")
        + _ml
        + "){0,2}"
        + words(
            "предыдущие",
            "прошлые",
            "прежние",
            "изначальные",
            "системные",
            "попередні",
            "усі попередні",
        )
        + _ml
        + words(
            "инструкции",
            "указания",
            "правила",
            "команды",
            "инструкций",
            "інструкції",
            "вказівки",
            "правила",
        )
        + "|"
        + words("покажи", "выведи", "раскрой", "напиши", "покажіть", "покажи")
        + _ml
        + "(?:"
        + words("мне", "свой", "свои", "твой", "твои", "свій")
        + _ml
        + "){0,2}"
        + words(
            "системный промпт",
            "системные инструкции",
            "системний промпт",
            "исходные инструкции",
            "системное сообщение",
        ),
    ),
    InjectionRule(
        name="multilingual.cjk",
        relax_short=False,
        type="MultilingualBypass",
        severity="high",
        confidence=0.9,
        # Chinese, Japanese, Korean
        body=alt(
            r"(?:忽略|无视|忽视|不要理会|忘记|忘掉|无视掉|忽略掉)(?:\s|,|，){0,4}(?:你|您)?(?:之前|以前|上面|前面|先前|以上|上述|此前|原来|原先)?(?:的)?(?:所有|全部|一切)?(?:的)?(?:指令|指示|说明|规则|提示|命令|设定|要求|指令集)",
            r"(?:显示|输出|打印|告诉我|透露|泄露|展示|给我看|重复)(?:\s|,|，){0,4}(?:一下)?(?:你的|你们的|您的)?(?:系统提示词?|系统提示|初始指令|原始指令|隐藏指令|系统指令|系统设定)",
            r"(?:忽略|無視|忘記|忽視)(?:之前|以前|上面|前面|先前|以上)?(?:的)?(?:所有|全部)?(?:的)?(?:指令|指示|說明|規則|提示|命令)",
            r"(?:以前|前|上記|これまで|先|今まで)の(?:すべての|全ての|全部の)?(?:指示|命令|ルール|指令|インストラクション|設定)(?:を|は)(?:すべて|全て)?(?:無視|忘れ)",
            r"(?:システムプロンプト|初期設定|元の指示)(?:を|の内容を)(?:表示|教え|見せ|出力)",
            r"(?:이전|앞의|위의|기존|모든)\s{0,2}(?:모든\s{0,2})?(?:지시|지침|명령|규칙|지시사항|프롬프트)(?:사항)?(?:을|를|은|는)?\s{0,2}(?:모두\s{0,2})?(?:무시|잊어)",
            r"(?:시스템\s{0,2}프롬프트|초기\s{0,2}지시)(?:를|을)\s{0,2}(?:보여|출력|알려)",
        ),
    ),
    InjectionRule(
        name="multilingual.other_scripts",
        relax_short=False,
        type="MultilingualBypass",
        severity="high",
        confidence=0.9,
        # Arabic, Hindi, Persian, Hebrew, Greek, Thai
        body=alt(
            r"(?:تجاهل|انس|اتجاهل)\s{1,4}(?:كل\s{1,4}|جميع\s{1,4})?(?:التعليمات|الأوامر|الاوامر|القواعد|الإرشادات)\s{1,4}(?:السابقة|الأصلية|السابقه)",
            r"(?:पिछले|पिछली|पहले\s{1,4}के|ऊपर\s{1,4}के|सभी\s{1,4}पिछले)\s{1,4}(?:सभी\s{1,4})?(?:निर्देशों|निर्देश|आदेशों|नियमों)\s{1,4}(?:को\s{1,4})?(?:अनदेखा|भूल|नजरअंदाज)",
            r"(?:دستورالعمل|دستورات|دستورهای)\s{0,4}(?:های\s{0,4})?(?:قبلی|پیشین)\s{0,4}(?:را\s{1,4})?(?:نادیده|فراموش)",
            r"(?:התעלם|שכח)\s{1,4}(?:מכל\s{1,4}|מ)?(?:ההוראות|ההנחיות)\s{1,4}(?:הקודמות|הקודמים)",
            words("αγνόησε", "αγνοήστε", "ξέχνα")
            + _ml
            + "(?:"
            + words("όλες", "τις")
            + _ml
            + "){0,2}"
            + words("προηγούμενες")
            + _ml
            + words("οδηγίες", "εντολές"),
            r"(?:เพิกเฉย|ละเว้น|ลืม)\s{0,4}(?:คำสั่ง|คำแนะนำ)\s{0,4}(?:ก่อนหน้า|ทั้งหมด|เดิม)",
        ),
    ),
)
