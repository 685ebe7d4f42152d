from enum import StrEnum


class InjectionMatchType(StrEnum):
    AUTHORITYAPPEAL = "AuthorityAppeal"
    CHAINOFTHOUGHT = "ChainOfThought"
    CONFUSIONPATTERN = "ConfusionPattern"
    CONTEXTSWITCHING = "ContextSwitching"
    DELIMITERINJECTION = "DelimiterInjection"
    ENCODEDINSTRUCTION = "EncodedInstruction"
    IGNOREPREVIOUS = "IgnorePrevious"
    JAILBREAKKEYWORD = "JailbreakKeyword"
    MEMORYEXFILTRATION = "MemoryExfiltration"
    MULTILINGUALBYPASS = "MultilingualBypass"
    OUTPUTMANIPULATION = "OutputManipulation"
    PROMPTEXTRACTION = "PromptExtraction"
    ROLEREVERSAL = "RoleReversal"
    SYSTEMROLE = "SystemRole"

    def __str__(self) -> str:
        return str(self.value)
