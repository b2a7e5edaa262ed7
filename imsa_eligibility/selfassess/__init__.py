"""Self-assessment for charities: what would change a decision (what-if), and the interview
(the flow; the terminal part lives in the CLI)."""
