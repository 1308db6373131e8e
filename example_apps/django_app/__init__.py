"""The example app on Django: settings ``example_apps.django_app.settings``."""
