"""The starter vocabularies: need areas and target groups, named in Slovenian, Danish and English.

Ids are derived from the codes (uuid5), so every installation shares them and HSDS exports agree.
"""

import uuid

NAMESPACE = uuid.UUID("6f2f7a8e-7d1c-4c55-9a53-1c2e51d0a001")

NEED_AREAS_TAXONOMY = "need-area"
TARGET_GROUPS_TAXONOMY = "target-group"

# code: (en, sl, da, description in en)
NEED_AREAS: dict[str, tuple[str, str, str, str]] = {
    "addiction": (
        "Addiction",
        "Zasvojenost",
        "Afhængighed",
        "Alcohol, drugs, smoking, gambling and other addictions.",
    ),
    "violence": ("Violence", "Nasilje", "Vold", "Violence in the family, in relationships and elsewhere."),
    "mental-health": (
        "Mental health",
        "Duševno zdravje",
        "Psykisk sundhed",
        "Distress, anxiety, depression, crisis.",
    ),
    "parenting": ("Parenting", "Starševstvo", "Forældreskab", "Support for parents and families."),
    "elderly-care": ("Elderly care", "Pomoč starejšim", "Ældrepleje", "Care and support for older people."),
    "disability": ("Disability", "Invalidnost", "Handicap", "Support for people with disabilities."),
    "unemployment": ("Unemployment", "Brezposelnost", "Ledighed", "Finding work, training and activation."),
    "poverty-food": ("Poverty and food", "Revščina in hrana", "Fattigdom og mad", "Money, debt, food aid."),
    "housing": ("Housing", "Bivanje", "Bolig", "A place to live, homelessness, shelters."),
    "migrants": ("Migrants", "Priseljenci", "Migranter", "Help for people who have moved here."),
    "health-promotion": (
        "Health promotion",
        "Krepitev zdravja",
        "Sundhedsfremme",
        "Healthy living, exercise, diet.",
    ),
    "youth": ("Youth", "Mladi", "Unge", "Activities and support for young people."),
}

TARGET_GROUPS: dict[str, tuple[str, str, str, str]] = {
    "children-youth": ("Children and youth", "Otroci in mladostniki", "Børn og unge", "Up to 18 years."),
    "families": ("Families", "Družine", "Familier", "Parents, children and relatives."),
    "adults": ("Adults", "Odrasli", "Voksne", "Adults of working age."),
    "elderly": ("Older people", "Starejši", "Ældre", "People aged 65 and over."),
    "men-at-risk": (
        "Men at risk",
        "Moški v ranljivem položaju",
        "Mænd i risiko",
        "Men who seldom seek help.",
    ),
    "people-with-disabilities": (
        "People with disabilities",
        "Osebe z invalidnostjo",
        "Mennesker med handicap",
        "People with physical, sensory or intellectual disabilities.",
    ),
    "migrants": ("Migrants", "Priseljenci", "Migranter", "Immigrants, refugees and their families."),
}

TAXONOMIES: dict[str, tuple[tuple[str, str, str], str, dict[str, tuple[str, str, str, str]]]] = {
    NEED_AREAS_TAXONOMY: (
        ("Need areas", "Področja pomoči", "Behovsområder"),
        "What people need help with.",
        NEED_AREAS,
    ),
    TARGET_GROUPS_TAXONOMY: (
        ("Target groups", "Ciljne skupine", "Målgrupper"),
        "Who a service is for.",
        TARGET_GROUPS,
    ),
}


def taxonomy_id(taxonomy_code: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"taxonomy:{taxonomy_code}")


def term_id(taxonomy_code: str, term_code: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"term:{taxonomy_code}:{term_code}")
