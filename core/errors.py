"""The one error type that services raise for refusals a user should read."""


class ApplicationError(Exception):
    """A request the portal refuses for a reason the user can understand.

    `message` is shown to the person (already translated by the caller); `extra` carries
    machine-readable details for the API's error shape.
    """

    def __init__(self, message: str, extra: dict | None = None):
        super().__init__(message)
        self.message = message
        self.extra = extra or {}
