from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.pii_match_type import PiiMatchType

T = TypeVar("T", bound="PiiMatch")


@_attrs_define
class PiiMatch:
    """
    Attributes:
        type_ (PiiMatchType): The kind of data. `AWSKey`: an access key id or secret access key; `GitHubToken`:
            a personal access, OAuth, app or fine-grained token; `GenericAPIKey`: another secret
            (a well-known key prefix, a JWT, a private key block, or a random-looking value
            after a word such as `api_key`, `token`, `secret`, `password`); `BankAccount`: an
            account number, US routing number or UK sort code next to those words; `Passport`
            and `DriverLicense`: a number next to those words, or a passport's machine-readable
            zone; `CryptoAddress`: a Bitcoin (Base58Check or bech32) or Ethereum address.
             Example: Email.
        start (int): Code-point offset of the first character in `text`.
        end (int): Code-point offset just past the last character in `text`.
        confidence (float): How sure the match is; lower for a candidate without a checksum to check.
        masked (str): The matched text with all but a few characters masked.
    """

    type_: PiiMatchType
    start: int
    end: int
    confidence: float
    masked: str

    def to_dict(self) -> dict[str, Any]:
        type_ = self.type_.value

        start = self.start

        end = self.end

        confidence = self.confidence

        masked = self.masked

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "type": type_,
                "start": start,
                "end": end,
                "confidence": confidence,
                "masked": masked,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        type_ = PiiMatchType(d.pop("type"))

        start = d.pop("start")

        end = d.pop("end")

        confidence = d.pop("confidence")

        masked = d.pop("masked")

        pii_match = cls(
            type_=type_,
            start=start,
            end=end,
            confidence=confidence,
            masked=masked,
        )

        return pii_match
