"""One module per dashboard section; each defines `router` (an `APIRouter` of `PageRoute`s).

Adding a section is a module here, its router in `PAGES`, and its entry in
`navigation.NAVIGATION`.
"""
