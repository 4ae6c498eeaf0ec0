"""Decks, rituals, staying cards and inner-life prompts: content as TOML data, choosing as code.

The content lives in `content/` (see docs/prompts.md); `choose` picks conversation prompts,
`rituals` runs check-ins, `staying` holds the staying cards and `inner` follows recent life.
`daily(store)` is the prompt of the day that the web app shows.
"""

from tarry.prompts.choose import daily as daily
