"""The admin command line's entry point in the frozen bundle (`cerecorder-admin`)."""

from cerecorder.app import admin_main

admin_main()
