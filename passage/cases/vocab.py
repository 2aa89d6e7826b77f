"""Fixed vocabularies for people and cases: branches, ranks, Myanmar's states and regions."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Branch(models.TextChoices):
    ARMY = "army", _("Army")
    NAVY = "navy", _("Navy")
    AIR_FORCE = "air_force", _("Air force")
    POLICE = "police", _("Police")
    UNKNOWN = "unknown", _("Unknown")


class RankGroup(models.TextChoices):
    OFFICER = "officer", _("Officer")
    NCO = "nco", _("Non-commissioned")
    PRIVATE = "private", _("Private / constable")
    UNKNOWN = "unknown", _("Unknown")


class Rank(models.TextChoices):
    PRIVATE = "private", _("Private")
    LANCE_CORPORAL = "lance_corporal", _("Lance corporal")
    CORPORAL = "corporal", _("Corporal")
    SERGEANT = "sergeant", _("Sergeant")
    WARRANT_OFFICER = "warrant_officer", _("Warrant officer")
    SECOND_LIEUTENANT = "second_lieutenant", _("Second lieutenant")
    LIEUTENANT = "lieutenant", _("Lieutenant")
    CAPTAIN = "captain", _("Captain")
    MAJOR = "major", _("Major")
    LIEUTENANT_COLONEL = "lieutenant_colonel", _("Lieutenant colonel")
    COLONEL = "colonel", _("Colonel")
    GENERAL = "general", _("General (any)")
    SEAMAN = "seaman", _("Seaman")
    PETTY_OFFICER = "petty_officer", _("Petty officer")
    AIRMAN = "airman", _("Airman")
    POLICE_CONSTABLE = "police_constable", _("Police constable")
    POLICE_LANCE_CORPORAL = "police_lance_corporal", _("Police lance corporal")
    POLICE_CORPORAL = "police_corporal", _("Police corporal")
    POLICE_SERGEANT = "police_sergeant", _("Police sergeant")
    POLICE_WARRANT_OFFICER = "police_warrant_officer", _("Police warrant officer")
    POLICE_SUB_INSPECTOR = "police_sub_inspector", _("Police sub-inspector")
    POLICE_INSPECTOR = "police_inspector", _("Police inspector")
    POLICE_MAJOR = "police_major", _("Police major")
    POLICE_SENIOR = "police_senior", _("Police lieutenant colonel or above")
    UNKNOWN = "unknown", _("Unknown")


RANK_GROUP = {
    **dict.fromkeys(["private", "seaman", "airman", "police_constable"], RankGroup.PRIVATE),
    **dict.fromkeys(
        [
            "lance_corporal",
            "corporal",
            "sergeant",
            "warrant_officer",
            "petty_officer",
            "police_lance_corporal",
            "police_corporal",
            "police_sergeant",
            "police_warrant_officer",
        ],
        RankGroup.NCO,
    ),
    **dict.fromkeys(
        [
            "second_lieutenant",
            "lieutenant",
            "captain",
            "major",
            "lieutenant_colonel",
            "colonel",
            "general",
            "police_sub_inspector",
            "police_inspector",
            "police_major",
            "police_senior",
        ],
        RankGroup.OFFICER,
    ),
}


class Region(models.TextChoices):
    KACHIN = "kachin", _("Kachin State")
    KAYAH = "kayah", _("Kayah State")
    KAYIN = "kayin", _("Kayin State")
    CHIN = "chin", _("Chin State")
    MON = "mon", _("Mon State")
    RAKHINE = "rakhine", _("Rakhine State")
    SHAN = "shan", _("Shan State")
    SAGAING = "sagaing", _("Sagaing Region")
    TANINTHARYI = "tanintharyi", _("Tanintharyi Region")
    BAGO = "bago", _("Bago Region")
    MAGWAY = "magway", _("Magway Region")
    MANDALAY = "mandalay", _("Mandalay Region")
    AYEYARWADY = "ayeyarwady", _("Ayeyarwady Region")
    YANGON = "yangon", _("Yangon Region")
    NAYPYIDAW = "naypyidaw", _("Naypyidaw Union Territory")
    UNKNOWN = "unknown", _("Unknown")


class Urgency(models.IntegerChoices):
    LOW = 1, _("Low")
    NORMAL = 2, _("Normal")
    HIGH = 3, _("High")
    CRITICAL = 4, _("Critical: in danger now")


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    SIGNAL = "signal", _("Signal")
    TELEGRAM = "telegram", _("Telegram")
    FACEBOOK = "facebook", _("Facebook")
    IN_PERSON = "in_person", _("In person")
    WEB_FORM = "web_form", _("Web form")
    PARTNER = "partner", _("Partner referral")


class Language(models.TextChoices):
    BURMESE = "my", _("Burmese")
    ENGLISH = "en", _("English")
    OTHER = "other", _("Other")


class AgeBand(models.TextChoices):
    """What stays in clear of a person's age: the band, for triage filters and figures. The exact
    age is sealed with the identity (Person.age)."""

    UNDER_18 = "0-17", "<18"
    FROM_18 = "18-24", "18–24"
    FROM_25 = "25-34", "25–34"
    FROM_35 = "35-44", "35–44"
    FROM_45 = "45-54", "45–54"
    FROM_55 = "55+", "55+"


# (band, lowest age, highest age) in order; the migration that brought bands uses it too.
AGE_BANDS = [
    (AgeBand.UNDER_18, 0, 17),
    (AgeBand.FROM_18, 18, 24),
    (AgeBand.FROM_25, 25, 34),
    (AgeBand.FROM_35, 35, 44),
    (AgeBand.FROM_45, 45, 54),
    (AgeBand.FROM_55, 55, 200),
]


def age_band(age: int | None) -> str:
    if age is None:
        return ""
    return next(band for band, low, high in AGE_BANDS if low <= age <= high)
