"""Staff accounts, shared by the login pages, the Users pages and the command line: password
rules, single-use links, sealed secrets, the mail that carries links and starting a session."""
