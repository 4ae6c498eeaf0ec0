"""What WhatsApp writes in place of a message: media placeholders, deletions, edits, notices.

Spellings are per app language (en, de, es, fr, it, nl, pt). Android writes them bare; iOS puts a
LEFT-TO-RIGHT MARK (U+200E) in front, so both forms are listed.
"""

from __future__ import annotations

import re

LRM = "\u200e"
MARKS = "\u200e\u200f"  # LEFT-TO-RIGHT and RIGHT-TO-LEFT MARK

# Android: the whole body is the placeholder.
_ANDROID_MEDIA = (
    "<Media omitted>",
    "<media omitted>",
    "<Medien ausgeschlossen>",
    "<Multimedia omitido>",
    "<Médias omis>",
    "<Media omessi>",
    "<Media weggelaten>",
    "<Mídia oculta>",
    "<Ficheiro omitido>",
    "<View once message omitted>",
)
# iOS: "<what> omitted" in the app's language.
_IOS_MEDIA = (
    *(f"{w} omitted" for w in ("image", "video", "audio", "sticker", "GIF", "document")),
    "Contact card omitted",
    *(f"{w} weggelassen" for w in ("Bild", "Video", "Audio", "Sticker", "GIF", "Dokument")),
    "imagen omitida",
    *(f"{w} omitido" for w in ("video", "audio", "sticker", "GIF", "documento")),
    "image absente",
    "vidéo absente",
    *(f"{w} omis" for w in ("audio", "autocollant", "GIF", "document")),
    "immagine omessa",
    "GIF omessa",
    *(f"{w} omesso" for w in ("video", "audio", "sticker", "documento")),
    *(f"{w} weggelaten" for w in ("afbeelding", "video", "audio", "sticker", "GIF", "document")),
    "imagem ocultada",
    "vídeo omitido",
    "áudio ocultado",
    "figurinha omitida",
)
_DELETED = (
    "This message was deleted",
    "You deleted this message",
    "Diese Nachricht wurde gelöscht",
    "Du hast diese Nachricht gelöscht",
    "Se eliminó este mensaje",
    "Eliminaste este mensaje",
    "Ce message a été supprimé",
    "Vous avez supprimé ce message",
    "Questo messaggio è stato eliminato",
    "Hai eliminato questo messaggio",
    "Dit bericht is verwijderd",
    "Je hebt dit bericht verwijderd",
    "Mensagem apagada",
    "Você apagou esta mensagem",
    "Esta mensagem foi apagada",
    "Apagou esta mensagem",
)
EDITED = (
    "<This message was edited>",
    "<Diese Nachricht wurde bearbeitet>",
    "<Se editó este mensaje.>",
    "<Ce message a été modifié>",
    "<Questo messaggio è stato modificato>",
    "<Dit bericht is bewerkt>",
    "<Esta mensagem foi editada>",
)


def _variants(texts: tuple[str, ...], *, dot: bool) -> list[str]:
    forms = [t for text in texts for t in ([text, f"{text}."] if dot else [text])]
    return forms + [LRM + f for f in forms]


# Exact body -> kind, for the one dictionary look-up the hot loop makes per message.
SPECIAL: dict[str, str] = {
    **dict.fromkeys(_variants(_ANDROID_MEDIA + _IOS_MEDIA, dot=False), "media"),
    **dict.fromkeys(_variants(_DELETED, dot=True), "system"),
}
# Marked media and deletions as iOS writes them -> (kind, text without the mark): one look-up.
MARKED: dict[str, tuple[str, str]] = {
    mark + text: (kind, text) for text, kind in SPECIAL.items() for mark in MARKS if text[:1] != LRM
}
# iOS with media: "<attached: 00000012-PHOTO-2021-03-12-10-15-32.jpg>"; Android with media:
# "IMG-20210312-WA0001.jpg (file attached)", both per language.
ATTACHED = re.compile(
    rf"^{LRM}?<(?:attached|Anhang|adjunto|pièce jointe|allegato|bijlage|anexo): [^>\n]+>"
    r"|^[^\n]+ \((?:file attached|Datei angehängt|archivo adjunto|fichier joint|file allegato"
    r"|bestand bijgevoegd|arquivo anexado|ficheiro anexado)\)$"
)
# The first line of every chat says it is encrypted; on Android the chat's name may be its author.
ENCRYPTED = re.compile(
    r"end-to-end|Ende-zu-Ende|de extremo a extremo|de bout en bout|crittografia end-to-end"
    r"|end-to-end versleuteld|de ponta a ponta"
)


def split_edited(text: str) -> tuple[str, bool]:
    """(text without a trailing "<This message was edited>" marker, whether it had one).

    The parser keeps text verbatim, marker included; analysis that wants the words alone calls
    this.
    """
    for marker in EDITED:
        for form in (marker, LRM + marker):
            if text.endswith(form):
                return text[: -len(form)].rstrip(" \n"), True
    return text, False
