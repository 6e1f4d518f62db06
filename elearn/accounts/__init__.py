"""Schools, staff accounts, set-up links and sign-in."""
