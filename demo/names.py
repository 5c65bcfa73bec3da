"""Obviously synthetic names: short lists of common Kazakh and Russian names and companies."""

KAZAKH_MALE = ("Айдар", "Асхат", "Бауыржан", "Берик", "Дамир", "Данияр", "Ерлан", "Ержан",
               "Жандос", "Канат", "Марат", "Нурлан", "Руслан", "Серик", "Талгат", "Тимур",
               "Улан", "Арман", "Азамат", "Еркебулан", "Самат", "Мади", "Алибек", "Бекзат")
KAZAKH_FEMALE = ("Айгуль", "Айжан", "Асель", "Гульнара", "Динара", "Жанар", "Камила", "Мадина",
                 "Сауле", "Алия", "Аружан", "Гаухар")
RUSSIAN_MALE = ("Александр", "Алексей", "Андрей", "Виктор", "Владимир", "Дмитрий", "Евгений",
                "Иван", "Игорь", "Максим", "Михаил", "Николай", "Олег", "Павел", "Сергей",
                "Юрий")
RUSSIAN_FEMALE = ("Анна", "Елена", "Ирина", "Мария", "Наталья", "Ольга", "Светлана",
                  "Татьяна")
# Male forms; the female form adds "а".
KAZAKH_SURNAMES = ("Ахметов", "Жумабаев", "Нурланов", "Сериков", "Касымов", "Омаров",
                   "Искаков", "Абенов", "Сулейменов", "Тулегенов", "Есенов", "Байжанов",
                   "Мукашев", "Калиев", "Жаксылыков", "Ермеков", "Кенжебаев", "Садыков",
                   "Утепов", "Бекенов", "Даулетов", "Аубакиров", "Мусин", "Рахимов")
RUSSIAN_SURNAMES = ("Иванов", "Петров", "Смирнов", "Кузнецов", "Попов", "Васильев",
                    "Соколов", "Михайлов", "Новиков", "Фёдоров", "Морозов", "Волков",
                    "Алексеев", "Лебедев", "Семёнов", "Егоров")
# Fathers' names for patronymics, with the male and female endings.
KAZAKH_FATHERS = (("Серик", "ович", "овна"), ("Нурлан", "ович", "овна"),
                  ("Марат", "ович", "овна"), ("Болат", "ович", "овна"),
                  ("Ерлан", "ович", "овна"), ("Кайрат", "ович", "овна"),
                  ("Талгат", "ович", "овна"), ("Амангельды", "евич", "евна"),
                  ("Жумабай", "евич", "евна"), ("Бахыт", "ович", "овна"))
RUSSIAN_FATHERS = (("Александр", "ович", "овна"), ("Сергей", "евич", "евна"),
                   ("Виктор", "ович", "овна"), ("Николай", "евич", "евна"),
                   ("Владимир", "ович", "овна"), ("Иван", "ович", "овна"),
                   ("Петр", "ович", "овна"), ("Юрий", "евич", "евна"))

COMPANY_WORDS = ("Береке", "Құрылыс", "Темир", "Астық", "Жол", "Нұр", "Алтын", "Сапа",
                 "Еңбек", "Бірлік", "Орда", "Дала", "Арман", "Ақ", "Шаңырақ", "Мерей",
                 "Бетон", "Строй", "Металл", "Текстиль", "Агро", "Пром", "Сервис", "Мебель",
                 "Техно", "Снаб", "Инвест", "Продукт", "Казахстан", "Степь", "Сарыарка",
                 "Жетысу", "Ертис", "Иртыш", "Есиль", "Тобол", "Алатау", "Каспий")
COMPANY_SUFFIXES = ("", " Групп", " Плюс", " KZ", " Трейд", " Строй", " 2020", " Сервис",
                    " Компани", " Индастри")


def surname(base, gender):
    """Return the surname in the person's gender (Ахметов / Ахметова, Мусин / Мусина)."""
    return base + "а" if gender == "F" else base


def person_name(rng, gender):
    """Return (last, first, patronymic) for a synthetic person; about 7 in 10 Kazakh names."""
    kazakh = rng.random() < 0.7
    if kazakh:
        firsts = KAZAKH_FEMALE if gender == "F" else KAZAKH_MALE
        surnames, fathers = KAZAKH_SURNAMES, KAZAKH_FATHERS
    else:
        firsts = RUSSIAN_FEMALE if gender == "F" else RUSSIAN_MALE
        surnames, fathers = RUSSIAN_SURNAMES, RUSSIAN_FATHERS
    father, male_end, female_end = fathers[rng.randrange(len(fathers))]
    patronymic = father + (female_end if gender == "F" else male_end)
    if kazakh and rng.random() < 0.15:
        patronymic = None
    return (surname(surnames[rng.randrange(len(surnames))], gender),
            firsts[rng.randrange(len(firsts))], patronymic)


def company_name(rng):
    """Return a company name such as «ТОО «Береке Строй»»."""
    word = COMPANY_WORDS[rng.randrange(len(COMPANY_WORDS))]
    second = COMPANY_WORDS[rng.randrange(len(COMPANY_WORDS))]
    suffix = COMPANY_SUFFIXES[rng.randrange(len(COMPANY_SUFFIXES))]
    form = "ИП" if rng.random() < 0.12 else "ТОО"
    core = word if rng.random() < 0.5 else f"{word}{second.lower()}"
    return f"{form} «{core}{suffix}»"
