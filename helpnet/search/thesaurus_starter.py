"""The starter needs vocabulary, shipped by migration 0003 and edited afterwards in the admin.

Words people type for a need, by language: each word becomes a ThesaurusEntry pointing at need-area codes of
directory/vocabulary.py and at related words (a service that mentions a related word is found by the word).
Words are lemmatised at index time, so base forms cover their inflections; colloquial and common inflected
forms are listed where the lemmatiser would not bridge them (pije → piti, not alkohol).
"""

# (need-area codes, related words, {language: words})
CONCEPTS: list[tuple[str, str, dict[str, str]]] = [
    (
        "addiction",
        "alkohol, alkoholizem, alcohol, alkoholisme, alcoholism",
        {
            "sl": "pije, pijem, pijejo, pitje, pijača, pijan, pijanec, alkohol, alkoholik, alkoholizem, "
            "odvisnost, zasvojenost, abstinenca, treznost",
            "da": "drikker, drikke, druk, fuld, alkohol, alkoholiker, alkoholisme, misbrug, afhængighed, "
            "afhængig, ædruelighed",
            "en": "drinking, drinks, drunk, alcohol, alcoholic, alcoholism, addiction, addicted, sober, "
            "sobriety, booze",
        },
    ),
    (
        "addiction",
        "droge, drog, mamila, stoffer, narkotika, drugs",
        {
            "sl": "droge, drogira, drogiranje, mamila, heroin, marihuana, trava, kokain, odvisnik",
            "da": "stoffer, narko, hash, hashish, kokain, heroin, narkoman, misbruger",
            "en": "drugs, cannabis, heroin, cocaine, overdose, substance",
        },
    ),
    (
        "addiction,health-promotion",
        "kajenje, tobak, nikotin, rygning, tobacco, smoking",
        {
            "sl": "kajenje, kadi, kadim, kadilec, cigarete, cigareta, tobak, nikotin, opuščanje kajenja",
            "da": "ryger, ryge, rygning, rygestop, cigaretter, cigaret, tobak, nikotin, smøger",
            "en": "smoking, smoke, smoker, cigarettes, tobacco, nicotine, vaping, quit",
        },
    ),
    (
        "addiction",
        "igre na srečo, hazarderstvo, ludomani, gambling",
        {
            "sl": "hazard, hazarderstvo, stave, igre na srečo, igralnica",
            "da": "spil, ludomani, spillemisbrug, spilleafhængighed, kasino",
            "en": "gambling, betting, casino",
        },
    ),
    (
        "violence",
        "nasilje, vold, violence",
        {
            "sl": "nasilje, nasilen, nasilnež, tepe, pretepa, udari, zlorablja, zloraba, grozi, ustrahovanje, "
            "trpinčenje, varna hiša, nasilje v družini, spolno nasilje, nadlegovanje",
            "da": "vold, voldelig, voldsom, slår, tæsk, overgreb, trusler, krisecenter, kvindekrisecenter, "
            "partnervold, chikane",
            "en": "violence, violent, abuse, abused, abusive, beaten, hits, domestic, assault, threats, shelter",
        },
    ),
    (
        "mental-health",
        "depresija, tesnoba, depression, angst, anxiety",
        {
            "sl": "depresija, depresiven, tesnoba, anksioznost, stiska, stres, panika, duševna stiska, "
            "žalost, žalovanje, izgorelost, samomor, psiholog, psihiater, terapija, svetovanje",
            "da": "depression, deprimeret, angst, stress, krise, psykisk, sorg, selvmord, psykolog, psykiater, "
            "terapi, rådgivning, trist",
            "en": "depression, depressed, anxiety, anxious, stress, panic, crisis, grief, suicide, "
            "psychologist, therapy, counselling, sad, burnout",
        },
    ),
    (
        "mental-health,elderly-care",
        "osamljenost, ensomhed, loneliness",
        {
            "sl": "osamljenost, osamljen, osamljena, sam, sama, samota, druženje, družba",
            "da": "ensom, ensomhed, alene, samvær, fællesskab, selskab",
            "en": "loneliness, lonely, alone, isolated, isolation, company, friendship",
        },
    ),
    (
        "poverty-food",
        "dolg, dolgovi, zadolženost, gæld, debt",
        {
            "sl": "dolg, dolgovi, dolgove, zadolženost, izvršba, rubež, krediti, položnice, denar, "
            "revščina, reven, revna, hrana, paket hrane, lačen, socialna pomoč",
            "da": "gæld, gældsrådgivning, penge, økonomi, fattig, fattigdom, mad, madhjælp, madkasse, "
            "regninger, budget",
            "en": "debt, debts, money, bills, poverty, poor, food, hungry, food bank, budget",
        },
    ),
    (
        "unemployment",
        "brezposelnost, ledighed, arbejdsløshed, unemployment",
        {
            "sl": "brezposelnost, brezposeln, brezposelna, brez službe, služba, zaposlitev, delo, "
            "iskanje zaposlitve, odpuščen, prekvalifikacija",
            "da": "ledig, ledighed, arbejdsløs, arbejdsløshed, job, arbejde, jobcenter, jobsøgning, "
            "fyret, uddannelse",
            "en": "unemployment, unemployed, jobless, job, work, employment, training, fired, laid off",
        },
    ),
    (
        "parenting",
        "starševstvo, forældre, parenting",
        {
            "sl": "starši, starš, starševstvo, mati, mama, oče, vzgoja, otrok, otroci, dojenček, "
            "nosečnost, nosečnica, družina",
            "da": "forældre, forælder, forældreskab, mor, far, opdragelse, barn, børn, baby, gravid, familie",
            "en": "parents, parent, parenting, mother, father, mum, dad, child, children, baby, pregnant, "
            "family",
        },
    ),
    (
        "elderly-care",
        "starejši, ældre, elderly",
        {
            "sl": "starejši, star, stara, ostarel, upokojenec, upokojenka, babica, dedek, "
            "pomoč na domu, dom za starejše, oskrba, demenca",
            "da": "ældre, gammel, pensionist, bedstemor, bedstefar, hjemmehjælp, plejehjem, pleje, demens",
            "en": "elderly, old, older, senior, pensioner, grandmother, grandfather, home care, "
            "care home, dementia",
        },
    ),
    (
        "disability",
        "invalidnost, handicap, disability",
        {
            "sl": "invalid, invalidnost, invalidski voziček, oviranost, posebne potrebe, gluh, slep, "
            "gibalno ovirani",
            "da": "handicap, handicappet, kørestol, funktionsnedsættelse, døv, blind, særlige behov",
            "en": "disability, disabled, handicap, wheelchair, deaf, blind, special needs, impairment",
        },
    ),
    (
        "migrants",
        "priseljenci, indvandrere, migrants",
        {
            "sl": "priseljenci, priseljenec, priseljenka, migranti, begunci, begunec, tujec, tujci, azil, "
            "slovenščina za tujce",
            "da": "indvandrere, indvandrer, migranter, flygtning, flygtninge, udlænding, asyl, "
            "dansk for udlændinge",
            "en": "migrants, migrant, immigrants, immigrant, refugee, refugees, asylum, foreigner",
        },
    ),
    (
        "housing",
        "brezdomstvo, hjemløshed, homelessness",
        {
            "sl": "stanovanje, bivanje, brezdomec, brezdomstvo, brezdomci, zavetišče, deložacija, najemnina",
            "da": "bolig, hjemløs, hjemløshed, herberg, husleje, udsættelse, værested",
            "en": "housing, homeless, homelessness, rent, eviction, shelter",
        },
    ),
    (
        "youth",
        "mladi, unge, youth",
        {
            "sl": "mladi, mladostnik, mladostniki, najstnik, najstniki, dijak, dijaki, mladinski",
            "da": "unge, ung, teenager, teenagere, elev, ungdom",
            "en": "youth, young, teenager, teenagers, teens, adolescent",
        },
    ),
    (
        "health-promotion",
        "",
        {
            "sl": "zdravje, zdrav, gibanje, telovadba, rekreacija, prehrana, hujšanje, teža, šola zdravja",
            "da": "sundhed, sund, motion, træning, kost, vægttab, vægt",
            "en": "health, healthy, exercise, fitness, diet, nutrition, weight",
        },
    ),
]


def starter_entries() -> list[tuple[str, str, str, str]]:
    """(language, word, need-area codes, related words), one per word; the first concept naming a word wins."""
    seen: set[tuple[str, str]] = set()
    entries = []
    for needs, related, by_language in CONCEPTS:
        for language, word_list in by_language.items():
            for word in (w.strip() for w in word_list.split(",")):
                if word and (language, word) not in seen:
                    seen.add((language, word))
                    entries.append((language, word, needs, related))
    return entries
