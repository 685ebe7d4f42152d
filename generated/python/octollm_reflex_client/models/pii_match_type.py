from enum import StrEnum


class PiiMatchType(StrEnum):
    AWSKEY = "AWSKey"
    BANKACCOUNT = "BankAccount"
    COORDINATES = "Coordinates"
    CREDITCARD = "CreditCard"
    CRYPTOADDRESS = "CryptoAddress"
    DRIVERLICENSE = "DriverLicense"
    EMAIL = "Email"
    GENERICAPIKEY = "GenericAPIKey"
    GITHUBTOKEN = "GitHubToken"
    IBAN = "IBAN"
    IPV4 = "IPv4"
    IPV6 = "IPv6"
    MACADDRESS = "MACAddress"
    PASSPORT = "Passport"
    PHONE = "Phone"
    SSN = "SSN"
    URL = "URL"
    VIN = "VIN"

    def __str__(self) -> str:
        return str(self.value)
