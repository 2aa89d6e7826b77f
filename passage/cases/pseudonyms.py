"""Two-word pseudonyms ("Amber Heron") that stand for a person on every list instead of a name."""

import secrets

ADJECTIVES = sorted(
    set(
        """
amber azure bold brave bright brisk calm clear clever coral crimson deep eager early
even fair fast fern firm gentle gold grand green grey hardy hazel high honest humble
indigo iron ivory jade keen kind late lemon light lilac lively loyal lucky lunar maple
mellow mild misty modest noble north olive opal pale patient pearl pine plain proud
quick quiet rapid red ripe river rose ruby rustic sable sage salt sandy scarlet
serene sharp shy silent silver simple slate sleek small smooth snowy soft solar solid
south spare spring steady steel still stone stormy strong summer sunny swift tall
tawny teal tender tidal topaz true violet vivid warm west white wild willow windy
winter wise young zesty autumn bronze cedar cobalt copper dawn dusk ember frost
golden harbor hollow jasper lotus marble meadow midnight misty moss oaken onyx
orchid pepper quartz rain reed saffron shadow sky sterling sugar thistle velvet
""".split()
    )
)

NOUNS = sorted(
    set(
        """
badger bear beetle bison boar buffalo camel cobra crane crow deer dolphin dove
eagle egret falcon finch fox gecko gibbon goose gull hare hawk heron hornbill ibis
jackal jay kestrel kingfisher kite koel lark leopard lion lizard lotus lynx macaque
magpie mantis marten mole monkey moth myna newt oriole osprey otter owl panda
panther parrot peacock pelican pigeon plover pony python quail rabbit raven robin
salmon seal shrike skink snipe sparrow squirrel starling stork swallow swan swift
tapir teak tern tiger toad tortoise turtle viper vulture wagtail weasel whale wolf
wren yak zebra acacia almond bamboo banyan birch bramble cedar clover cotton cypress
daisy elm fern fig ginger hazel hibiscus jasmine juniper laurel lily mango maple
mint neem oak olive orchid palm papaya peony pine plum poppy reed rose rowan sage
sesame tamarind teal thyme tulip walnut willow yarrow anchor arrow bell bridge
candle canoe comet compass drum ember feather flute harbor kettle lantern meadow
mirror paddle pebble river saddle shell spindle stone summit thunder valley
""".split()
    )
)


def new_pseudonym(is_taken) -> str:
    """A fresh pseudonym; `is_taken(name)` says whether one is already used."""
    for attempt in range(50):
        name = f"{secrets.choice(ADJECTIVES).title()} {secrets.choice(NOUNS).title()}"
        # After a few clashes (a large database), a number keeps it short and unique.
        if attempt >= 5:
            name = f"{name} {secrets.randbelow(900) + 100}"
        if not is_taken(name):
            return name
    raise RuntimeError("could not find a free pseudonym")
