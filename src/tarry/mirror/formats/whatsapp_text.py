"""What WhatsApp writes in place of a message: media placeholders, deletions, edits, notices.

Spellings are per app language, the 25 most used: en, es, pt, de, fr, it, nl, ru, tr, ar, hi, id,
ms, pl, uk, he, fa, zh (simplified and traditional), ja, ko, vi, th, ro, cs, sv. Android writes
them bare; iOS puts a LEFT-TO-RIGHT MARK (U+200E) in front, so both forms are listed. System
lines are recognised by their phrasing where an Android line has no author but a colon (a
subject changed to "Trip: Paris" must not make `Alex changed the subject from "Trip` an author).
"""

from __future__ import annotations

import re

LRM = "\u200e"
MARKS = "\u200e\u200f"  # LEFT-TO-RIGHT and RIGHT-TO-LEFT MARK

# Android: the whole body is the placeholder.
_ANDROID_MEDIA = (
    "<Media omitted>",
    "<media omitted>",
    "<View once message omitted>",
    "<Medien ausgeschlossen>",
    "<Multimedia omitido>",
    "<Multimedia omitidos>",
    "<Médias omis>",
    "<Media omessi>",
    "<Media weggelaten>",
    "<Mídia oculta>",
    "<Multimédia omitido>",
    "<Ficheiro omitido>",
    "<Без медиафайлов>",
    "<Медиафайлы опущены>",
    "<Medya dahil edilmedi>",
    "<Medya atlandı>",
    "<تم استبعاد الوسائط>",
    "<الوسائط محذوفة>",
    "<मीडिया छोड़ दिया गया>",
    "<मीडिया के बिना>",
    "<Media tidak disertakan>",
    "<Media dikecualikan>",
    "<Pominięto multimedia>",
    "<Bez multimediów>",
    "<Без медіафайлів>",
    "<Медіафайли пропущено>",
    "<המדיה לא נכללה>",
    "<מדיה הושמטה>",
    "<رسانه حذف شد>",
    "<بدون رسانه>",
    "<省略影音内容>",
    "<已忽略媒体>",
    "<省略多媒體檔案>",
    "<已略過媒體>",
    "<メディアは含まれていません>",
    "<メディアなし>",
    "<미디어 파일 생략>",
    "<미디어 없음>",
    "<Bỏ qua Phương tiện>",
    "<Đã bỏ qua tệp phương tiện>",
    "<ไม่รวมสื่อ>",
    "<ละเว้นสื่อ>",
    "<Conținut media omis>",
    "<Media omise>",
    "<Média vynechána>",
    "<Media utelämnad>",
    "<Media utelämnade>",
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
    *(f"{w} отсутствует" for w in ("изображение", "видео", "аудиофайл", "стикер", "GIF")),
    "документ отсутствует",
    *(f"{w} dahil edilmedi" for w in ("görüntü", "video", "ses", "Çıkartma", "GIF", "belge")),
    *(f"تم استبعاد {w}" for w in ("الصورة", "الفيديو", "الصوت", "الملصق", "المستند")),
    *(f"{w} छोड़ा गया" for w in ("इमेज", "वीडियो", "ऑडियो", "स्टिकर", "GIF", "दस्तावेज़")),
    *(f"{w} tidak disertakan" for w in ("gambar", "video", "audio", "stiker", "GIF", "dokumen")),
    *(f"{w} dikecualikan" for w in ("imej", "video", "audio", "pelekat", "GIF", "dokumen")),
    *(f"pominięto {w}" for w in ("obraz", "wideo", "plik audio", "naklejkę", "GIF", "dokument")),
    *(f"{w} пропущено" for w in ("зображення", "відео", "аудіо", "наліпку", "GIF", "документ")),
    *(f"{w} הושמט" for w in ("הסרטון", "האודיו", "המסמך", "ה-GIF")),
    *(f"{w} הושמטה" for w in ("התמונה", "המדבקה")),
    *(f"{w} حذف شد" for w in ("تصویر", "ویدیو", "صدا", "استیکر", "GIF", "سند")),
    *(f"{w}已忽略" for w in ("图片", "视频", "音频", "贴图", "GIF", "文档")),
    *(f"已略過{w}" for w in ("圖片", "影片", "音訊", "貼圖", "GIF", "文件")),
    *(f"{w}は省略されました" for w in ("画像", "動画", "音声", "スタンプ", "GIF", "書類")),
    *(f"{w} 생략됨" for w in ("사진", "동영상", "오디오", "스티커", "GIF", "문서")),
    *(f"{w} bị bỏ qua" for w in ("hình ảnh", "video", "âm thanh", "nhãn dán", "GIF", "tài liệu")),
    *(f"ไม่รวม{w}" for w in ("รูปภาพ", "วิดีโอ", "เสียง", "สติกเกอร์", "GIF", "เอกสาร")),
    *(f"{w} omis" for w in ("imagine", "videoclip", "sticker")),
    *(f"{w} vynechán" for w in ("obrázek", "videozáznam", "zvukový záznam", "dokument")),
    *(f"{w} utelämnad" for w in ("bild", "video", "ljud", "dokument")),
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
    "Данное сообщение удалено",
    "Вы удалили данное сообщение",
    "Это сообщение было удалено",
    "Bu mesaj silindi",
    "Bu mesajı sildiniz",
    "تم حذف هذه الرسالة",
    "لقد حذفت هذه الرسالة",
    "यह मैसेज हटा दिया गया था",
    "आपने यह मैसेज हटा दिया",
    "Pesan ini telah dihapus",
    "Anda menghapus pesan ini",
    "Mesej ini telah dipadam",
    "Anda memadam mesej ini",
    "Ta wiadomość została usunięta",
    "Usunięto tę wiadomość",
    "Usunąłeś tę wiadomość",
    "Це повідомлення видалено",
    "Ви видалили це повідомлення",
    "הודעה זו נמחקה",
    "מחקת הודעה זו",
    "این پیام حذف شد",
    "شما این پیام را حذف کردید",
    "此消息已删除",
    "你删除了此消息",
    "此訊息已刪除",
    "你已刪除此訊息",
    "このメッセージは削除されました",
    "メッセージを削除しました",
    "삭제된 메시지입니다",
    "메시지를 삭제했습니다",
    "Tin nhắn này đã bị xóa",
    "Bạn đã xóa tin nhắn này",
    "ข้อความนี้ถูกลบแล้ว",
    "คุณลบข้อความนี้แล้ว",
    "Acest mesaj a fost șters",
    "Ați șters acest mesaj",
    "Tato zpráva byla smazána",
    "Smazali jste tuto zprávu",
    "Det här meddelandet raderades",
    "Du raderade det här meddelandet",
)
EDITED = (
    "<This message was edited>",
    "<Diese Nachricht wurde bearbeitet>",
    "<Se editó este mensaje.>",
    "<Ce message a été modifié>",
    "<Questo messaggio è stato modificato>",
    "<Dit bericht is bewerkt>",
    "<Esta mensagem foi editada>",
    "<Сообщение изменено>",
    "<Bu mesaj düzenlendi>",
    "<Pesan ini diedit>",
    "<Wiadomość została edytowana>",
    "<Повідомлення змінено>",
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
    rf"^{LRM}?<(?:attached|Anhang|adjunto|pièce jointe|allegato|bijlage|anexo|прикреплено"
    r"|eklendi|مرفق|संलग्न|terlampir|załącznik|вкладення|מצורף|附件|添付|첨부|đính kèm|แนบ): [^>\n]+>"
    r"|^[^\n]+ \((?:file attached|Datei angehängt|archivo adjunto|fichier joint|file allegato"
    r"|bestand bijgevoegd|arquivo anexado|ficheiro anexado|файл прикреплен|dosya ekli"
    r"|ملف مرفق|फ़ाइल संलग्न|file terlampir|załączono plik|файл додано|קובץ מצורף"
    r"|附加了文件|ファイル添付|파일 첨부됨|tệp đính kèm|ไฟล์แนบ)\)$"
)
# The first line of every chat says it is encrypted; on Android the chat's name may be its author.
ENCRYPTED = re.compile(
    r"end-to-end|Ende-zu-Ende|de extremo a extremo|de bout en bout|crittografia end-to-end"
    r"|end-to-end versleuteld|de ponta a ponta|сквозным шифрованием|uçtan uca"
    r"|طرف لطرف|एंड-टू-एंड|end-to-end|hujung ke hujung|szyfrowaniem end-to-end|наскрізним"
    r"|מקצה לקצה|سرتاسری|端到端|端對端|エンドツーエンド|엔드투엔드|đầu cuối|ตั้งแต่ต้นทางถึงปลายทาง"
)
# Where an Android system line holds a colon, the text before it is no author: a name that
# quotes ("Trip", «Trip», „Trip“, 「Trip」) or says what somebody did to the group's subject.
QUOTES = '"“”«»„「」『』'
SYSTEM_PHRASES = re.compile(
    r" changed the (?:subject|group name|group description) "
    r"| changed this group's | created group | hat den Betreff | hat den Gruppennamen "
    r"| cambió el (?:asunto|nombre del grupo) | a modifié le (?:sujet|nom du groupe) "
    r"| ha cambiato (?:l'oggetto|il nome del gruppo) | heeft de (?:groepsnaam|onderwerp) "
    r"| mudou o (?:assunto|nome do grupo) | alterou o (?:assunto|nome do grupo) "
    r"| изменил(?:а|\(а\))? (?:тему|название группы) | konuyu | grup adını "
    r"| mengubah (?:subjek|nama grup) | zmienił(?:a|\(a\))? (?:temat|nazwę grupy) "
    r"| змінив(?:ла|\(ла\))? (?:тему|назву групи) | שינה את (?:נושא|שם) "
    r"|更改了群组名称|更改了主题|変更しました|변경했습니다| đã đổi (?:chủ đề|tên nhóm) "
    r"| เปลี่ยนชื่อกลุ่ม| تغيير (?:الموضوع|اسم المجموعة)| تم تغيير "
)


def is_system_author(author: str) -> bool:
    """Whether the text before a colon is a system line's words, not a person's name."""
    if SYSTEM_PHRASES.search(f" {author} ") is not None:
        return True
    quotes = sum(author.count(q) for q in QUOTES)
    return quotes % 2 == 1 and author.count(" ") >= 3  # 'Alex renamed it "Trip' (cut at ": ")


def split_edited(text: str) -> tuple[str, bool]:
    """(text without a trailing "<This message was edited>" marker, whether it had one).

    The parser keeps text verbatim, marker included; analysis that wants the words alone calls
    this.
    """
    for marker in EDITED:
        for form in (LRM + marker, marker):  # the longer first: the mark goes with it
            if text.endswith(form):
                return text[: -len(form)].rstrip(" \n"), True
    return text, False
