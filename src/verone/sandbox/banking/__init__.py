"""Banking half of the sandbox: organization, accounts, transactions, attachments."""
