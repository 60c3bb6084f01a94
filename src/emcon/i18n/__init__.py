"""Translation of the content through gettext catalogs (content/locale/LANG.po).

One small module per stage:
texts (every translatable text of the content, with its context and line) →
catalog (the template messages.pot, LANG.po created or merged, read back) →
apply (a translated copy of the validated Curriculum for a pack in another language) →
checks (untranslated and fuzzy entries, a msgstr that changes structure).
"""
