"""The screens of the window, one class per screen, all with the `Screen` interface."""
