import secrets
import string


def generate_password() -> str:
    """A random password that satisfies the user pool's policy (12+ chars,
    upper, lower, digit, symbol)."""
    alphabet = string.ascii_letters + string.digits
    core = "".join(secrets.choice(alphabet) for _ in range(16))
    return f"{core}-{secrets.choice(string.ascii_uppercase)}{secrets.choice(string.ascii_lowercase)}{secrets.randbelow(10)}!"
