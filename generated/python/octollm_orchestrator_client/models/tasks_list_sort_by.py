from enum import StrEnum


class TasksListSortBy(StrEnum):
    CREATED_AT = "created_at"
    PRIORITY = "priority"
    STATUS = "status"
    UPDATED_AT = "updated_at"

    def __str__(self) -> str:
        return str(self.value)
