def attempted_email(request, credentials) -> str:
    """The e-mail address a sign-in attempt used, as django-axes should count it."""
    value = (credentials or {}).get("username") or request.POST.get("username", "")
    return value.strip().lower()
