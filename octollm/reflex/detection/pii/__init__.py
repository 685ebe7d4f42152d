"""Personal data: a pattern per type for candidates, a validator that confirms them."""

from octollm.reflex.detection.pii.rules import RULES, PiiRule
from octollm.reflex.detection.pii.validators import luhn_valid

TYPES = (
    "SSN", "CreditCard", "Email", "Phone", "IPv4", "IPv6", "MACAddress", "AWSKey",
    "GitHubToken", "GenericAPIKey", "Passport", "DriverLicense", "BankAccount", "IBAN",
    "CryptoAddress", "URL", "Coordinates", "VIN",
)  # fmt: skip

__all__ = ["RULES", "TYPES", "PiiRule", "luhn_valid"]
