"""The desktop app's entry point in the frozen bundle (`cerecorder`)."""

from cerecorder.app import main

main()
