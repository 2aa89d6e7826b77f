"""The default vetting checklist (issue 5), in English and Burmese; coordinators edit it."""

from django.db import migrations

NAME = "Standard vetting"
ITEMS = [
    (
        "Identity confirmed by two independent means",
        "လွတ်လပ်သော နည်းလမ်းနှစ်ခုဖြင့် ကိုယ်ရေးအချက်အလက် အတည်ပြုပြီး",
    ),
    ("Service record and unit checked", "တပ်မှုထမ်းမှတ်တမ်းနှင့် တပ်ရင်း/တပ်ဖွဲ့ခွဲ စစ်ဆေးပြီး"),
    ("References contacted", "အာမခံသူများကို ဆက်သွယ်ပြီး"),
    (
        "Deployment history cross-checked against documented abuses",
        "တာဝန်ထမ်းဆောင်ခဲ့သည့် နေရာများကို မှတ်တမ်းတင်ထားသော ချိုးဖောက်မှုများနှင့် တိုက်ဆိုင်စစ်ဆေးပြီး",
    ),
    ("Social-media review", "လူမှုကွန်ရက် စိစစ်ပြီး"),
    ("Interview done", "တွေ့ဆုံမေးမြန်းပြီး"),
    ("Family situation known", "မိသားစုအခြေအနေ သိရှိပြီး"),
]


def add_default(apps, schema_editor):
    Template = apps.get_model("vetting", "ChecklistTemplate")
    Item = apps.get_model("vetting", "TemplateItem")
    if Template.objects.filter(name=NAME).exists():
        return
    template = Template.objects.create(name=NAME, is_default=True)
    Item.objects.bulk_create(
        Item(template=template, position=i, text_en=en, text_my=my)
        for i, (en, my) in enumerate(ITEMS, start=1)
    )


def remove_default(apps, schema_editor):
    apps.get_model("vetting", "ChecklistTemplate").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("vetting", "0001_initial")]

    operations = [migrations.RunPython(add_default, remove_default)]
