"""Django adapter internals; the public names live in ``authguard.django``."""
