from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
    from ..models.arm_error import ArmError
    from ..models.arm_output import ArmOutput
    from ..models.arm_provenance import ArmProvenance


T = TypeVar("T", bound="ExecuteResult")


@_attrs_define
class ExecuteResult:
    """
    Attributes:
        success (bool): Whether the task was executed; false with an `error` otherwise.
        result (ArmOutput | None): What the arm produced; null when `success` is false. Its shape is the arm's own. The
            LLM arm answers `output` (the model's answer), `finish_reason`, `usage`
            (`prompt_tokens`, `completion_tokens`, `total_tokens`) and `cost_usd` (null when the
            arm has no prices).
        error (ArmError | None): Why the execution failed; null when `success` is true.
        provenance (ArmProvenance):
    """

    success: bool
    result: ArmOutput | None
    error: ArmError | None
    provenance: ArmProvenance

    def to_dict(self) -> dict[str, Any]:
        from ..models.arm_error import ArmError  # noqa: PLC0415
        from ..models.arm_output import ArmOutput  # noqa: PLC0415
        from ..models.arm_provenance import ArmProvenance  # noqa: PLC0415

        success = self.success

        result: dict[str, Any] | None
        if isinstance(self.result, ArmOutput):
            result = self.result.to_dict()
        else:
            result = self.result

        error: dict[str, Any] | None
        if isinstance(self.error, ArmError):
            error = self.error.to_dict()
        else:
            error = self.error

        provenance = self.provenance.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "success": success,
                "result": result,
                "error": error,
                "provenance": provenance,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.arm_error import ArmError  # noqa: PLC0415
        from ..models.arm_output import ArmOutput  # noqa: PLC0415
        from ..models.arm_provenance import ArmProvenance  # noqa: PLC0415

        d = dict(src_dict)
        success = d.pop("success")

        def _parse_result(data: object) -> ArmOutput | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_arm_output_type_0 = ArmOutput.from_dict(data)

                return componentsschemas_arm_output_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ArmOutput | None, data)

        result = _parse_result(d.pop("result"))

        def _parse_error(data: object) -> ArmError | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_arm_error_type_0 = ArmError.from_dict(data)

                return componentsschemas_arm_error_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ArmError | None, data)

        error = _parse_error(d.pop("error"))

        provenance = ArmProvenance.from_dict(d.pop("provenance"))

        execute_result = cls(
            success=success,
            result=result,
            error=error,
            provenance=provenance,
        )

        return execute_result
