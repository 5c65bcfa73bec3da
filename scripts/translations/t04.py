"""Translations, part 4 (strings added after the first pass): msgid -> (Russian, Kazakh)."""
T = {
    "The server has run out of disk space, so the file could not be prepared. Nothing was changed. Please try again later or tell the administrator.": (
        "На сервере закончилось место на диске, поэтому файл не удалось подготовить. Ничего не изменено. Повторите попытку позже или сообщите администратору.",
        "Серверде дискідегі орын таусылды, сондықтан файлды дайындау мүмкін болмады. Ештеңе өзгертілген жоқ. Кейінірек қайталап көріңіз немесе әкімшіге хабарлаңыз."),
}
