"""Real places and plausible units for the synthetic demo data (see demo.py).

Townships are real townships of each state or region, with the Burmese spelling where we give one.
Navy and air force units are tied to the place they are based, so a person's unit, state or region
and township agree. Nothing here names a real person.
"""

# Region value (passage.cases.vocab.Region) -> [(township in Latin letters, in Burmese or "")].
TOWNSHIPS: dict[str, list[tuple[str, str]]] = {
    "kachin": [
        ("Myitkyina", "မြစ်ကြီးနား"),
        ("Bhamo", "ဗန်းမော်"),
        ("Putao", ""),
        ("Mohnyin", ""),
        ("Hpakant", ""),
        ("Waingmaw", ""),
        ("Momauk", ""),
        ("Shwegu", ""),
    ],
    "kayah": [
        ("Loikaw", "လွိုင်ကော်"),
        ("Demoso", ""),
        ("Hpruso", ""),
        ("Bawlakhe", ""),
        ("Shadaw", ""),
        ("Hpasawng", ""),
    ],
    "kayin": [
        ("Hpa-An", "ဘားအံ"),
        ("Myawaddy", "မြဝတီ"),
        ("Kawkareik", ""),
        ("Hlaingbwe", ""),
        ("Thandaunggyi", ""),
        ("Kyainseikgyi", ""),
    ],
    "chin": [
        ("Hakha", "ဟားခါး"),
        ("Falam", ""),
        ("Tedim", ""),
        ("Mindat", ""),
        ("Matupi", ""),
        ("Kanpetlet", ""),
        ("Tonzang", ""),
        ("Paletwa", ""),
    ],
    "mon": [
        ("Mawlamyine", "မော်လမြိုင်"),
        ("Thaton", "သထုံ"),
        ("Kyaikto", ""),
        ("Mudon", ""),
        ("Ye", ""),
        ("Bilin", ""),
        ("Thanbyuzayat", ""),
        ("Paung", ""),
    ],
    "rakhine": [
        ("Sittwe", "စစ်တွေ"),
        ("Kyaukphyu", "ကျောက်ဖြူ"),
        ("Thandwe", ""),
        ("Mrauk-U", ""),
        ("Maungdaw", ""),
        ("Buthidaung", ""),
        ("Minbya", ""),
        ("Ann", ""),
    ],
    "shan": [
        ("Taunggyi", "တောင်ကြီး"),
        ("Lashio", "လားရှိုး"),
        ("Muse", "မူဆယ်"),
        ("Kengtung", ""),
        ("Hsipaw", ""),
        ("Kalaw", ""),
        ("Tachileik", ""),
        ("Kyaukme", ""),
        ("Loilem", ""),
        ("Namsang", ""),
    ],
    "sagaing": [
        ("Monywa", "မုံရွာ"),
        ("Sagaing", "စစ်ကိုင်း"),
        ("Shwebo", "ရွှေဘို"),
        ("Kalay", "ကလေး"),
        ("Tamu", "တမူး"),
        ("Depayin", ""),
        ("Kani", ""),
        ("Yinmabin", ""),
        ("Myinmu", ""),
        ("Katha", ""),
        ("Homalin", ""),
    ],
    "tanintharyi": [
        ("Dawei", "ထားဝယ်"),
        ("Myeik", "မြိတ်"),
        ("Kawthaung", ""),
        ("Launglon", ""),
        ("Palaw", ""),
        ("Bokpyin", ""),
    ],
    "bago": [
        ("Bago", "ပဲခူး"),
        ("Taungoo", "တောင်ငူ"),
        ("Pyay", "ပြည်"),
        ("Tharrawaddy", ""),
        ("Nyaunglebin", ""),
        ("Letpadan", ""),
        ("Paungde", ""),
    ],
    "magway": [
        ("Magway", "မကွေး"),
        ("Pakokku", "ပခုက္ကူ"),
        ("Minbu", ""),
        ("Gangaw", ""),
        ("Myaing", ""),
        ("Pauk", ""),
        ("Yenangyaung", ""),
        ("Chauk", ""),
        ("Thayet", ""),
    ],
    "mandalay": [
        ("Chanayethazan", ""),
        ("Mahaaungmye", ""),
        ("Pyin Oo Lwin", "ပြင်ဦးလွင်"),
        ("Meiktila", "မိတ္ထီလာ"),
        ("Myingyan", "မြင်းခြံ"),
        ("Kyaukse", "ကျောက်ဆည်"),
        ("Nyaung-U", ""),
        ("Madaya", ""),
        ("Thazi", ""),
        ("Wundwin", ""),
    ],
    "ayeyarwady": [
        ("Pathein", "ပုသိမ်"),
        ("Hinthada", "ဟင်္သာတ"),
        ("Myaungmya", ""),
        ("Labutta", ""),
        ("Bogale", ""),
        ("Pyapon", ""),
        ("Maubin", ""),
        ("Wakema", ""),
        ("Ngapudaw", ""),
    ],
    "yangon": [
        ("Insein", "အင်းစိန်"),
        ("Hlaingthaya", "လှိုင်သာယာ"),
        ("Mingaladon", "မင်္ဂလာဒုံ"),
        ("Thanlyin", "သန်လျင်"),
        ("Hlegu", ""),
        ("Hmawbi", ""),
        ("Shwepyitha", ""),
        ("North Okkalapa", ""),
        ("South Dagon", ""),
        ("Kamaryut", ""),
        ("Seikkyi Kanaungto", ""),
    ],
    "naypyidaw": [
        ("Zabuthiri", ""),
        ("Pyinmana", "ပျဉ်းမနား"),
        ("Lewe", ""),
        ("Tatkon", ""),
        ("Ottarathiri", ""),
        ("Dekkhinathiri", ""),
        ("Zeyathiri", ""),
    ],
}

# How often a person's posting is in each state or region (the heavy fighting is in the dry zone).
REGION_WEIGHTS = {
    "sagaing": 18,
    "magway": 10,
    "mandalay": 12,
    "yangon": 12,
    "shan": 8,
    "kayin": 6,
    "kayah": 5,
    "chin": 5,
    "kachin": 5,
    "bago": 5,
    "ayeyarwady": 4,
    "mon": 3,
    "rakhine": 3,
    "tanintharyi": 2,
    "naypyidaw": 2,
}

# Army units are numbered; numbers stay within the ranges the real units use.
ARMY_UNITS = [
    # (pattern in Latin letters, pattern in Burmese or "", lowest number, highest number)
    ("Light Infantry Battalion {n}", "ခမရ {n}", 1, 599),
    ("Infantry Battalion {n}", "ခလရ {n}", 1, 290),
    ("Light Infantry Division {n}", "", 0, 0),
    ("Military Operations Command {n}", "", 1, 21),
    ("Field Artillery Battalion {n}", "", 301, 390),
]
LIGHT_INFANTRY_DIVISIONS = [11, 22, 33, 44, 55, 66, 77, 88, 99, 101]

# (unit, region, township where it is based)
NAVY_UNITS = [
    ("Irrawaddy Naval Region Command", "yangon", "Thanlyin"),
    ("Danyawaddy Naval Region Command", "rakhine", "Kyaukphyu"),
    ("Panmawaddy Naval Region Command", "ayeyarwady", "Ngapudaw"),
    ("Mawyawaddy Naval Region Command", "mon", "Mawlamyine"),
    ("Tanintharyi Naval Region Command", "tanintharyi", "Myeik"),
    ("Naval Training Command", "yangon", "Seikkyi Kanaungto"),
]
AIR_FORCE_UNITS = [
    ("Meiktila Air Base", "mandalay", "Meiktila"),
    ("Magway Air Base", "magway", "Magway"),
    ("Hmawbi Air Base", "yangon", "Hmawbi"),
    ("Mingaladon Air Base", "yangon", "Mingaladon"),
    ("Taungoo Air Base", "bago", "Taungoo"),
    ("Pathein Air Base", "ayeyarwady", "Pathein"),
    ("Namsang Air Base", "shan", "Namsang"),
    ("Lashio Air Base", "shan", "Lashio"),
    ("Myitkyina Air Base", "kachin", "Myitkyina"),
    ("Homalin Air Base", "sagaing", "Homalin"),
    ("Myeik Air Base", "tanintharyi", "Myeik"),
]
# Police units are named for the township; {township} is filled in.
POLICE_UNITS = [
    ("{township} Township Police Station", 70),
    ("Security Police Battalion {n}", 15),
    ("Traffic Police, {township}", 8),
    ("Special Branch, {township}", 7),
]
