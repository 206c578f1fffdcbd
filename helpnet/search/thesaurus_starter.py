"""The starter needs vocabulary, shipped by migration 0003 and edited afterwards in the admin.

Words people type for a need, by language: each word becomes a ThesaurusEntry pointing at need-area codes of
directory/vocabulary.py and at related words (a service that mentions a related word is found by the word).
Words are lemmatised at index time, so base forms cover their inflections; colloquial and common inflected
forms are listed where the lemmatiser would not bridge them (pije → piti, not alkohol).
"""

# (need-area codes, related words, {language: words}). Words of a whole need area attach by need-area code;
# words of a narrower need (alcohol, smoking, debt, loneliness…) attach only through related words, so that
# "pije" finds the drinking services rather than every addiction service. A related word of five letters or
# more also matches as the start of a word, for Danish compounds (rygestop → rygestopkursus).
CONCEPTS: list[tuple[str, str, dict[str, str]]] = [
    (
        "addiction",
        "",
        {
            "sl": "odvisnost, zasvojenost, odvisnik, abstinenca",
            "da": "afhængighed, afhængig, misbrug, misbruger",
            "en": "addiction, addicted, dependence",
        },
    ),
    (
        "",
        "alkohol, alkoholizem, alkoholik, pitje, piti, alcohol, alcoholic, alcoholism, drinking, druk, drikke",
        {
            "sl": "pije, pijem, pijejo, pitje, pijača, pijan, pijanec, alkohol, alkoholik, alkoholizem, treznost",
            "da": "drikker, drikke, druk, fuld, alkohol, alkoholiker, alkoholisme, ædruelighed",
            "en": "drinking, drinks, drunk, alcohol, alcoholic, alcoholism, sober, sobriety, booze",
        },
    ),
    (
        "",
        "droge, droga, mamila, opioidi, opioid, stoffer, narkotika, drugs, drug",
        {
            "sl": "droge, drogira, drogiranje, mamila, heroin, marihuana, trava, kokain",
            "da": "stoffer, narko, hash, kokain, heroin, narkoman",
            "en": "drugs, cannabis, heroin, cocaine, overdose, substance",
        },
    ),
    (
        "",
        "kajenje, kaditi, kadilec, cigareta, tobak, tobačen, nikotin, rygning, rygestop, røgfri, ryge, "
        "tobacco, smoking, smoke, cigarettes, nicotine",
        {
            "sl": "kajenje, kadi, kadim, kadilec, cigarete, cigareta, tobak, nikotin",
            "da": "ryger, ryge, rygning, rygestop, cigaretter, cigaret, tobak, nikotin, smøger",
            "en": "smoking, smoke, smoker, cigarettes, tobacco, nicotine, vaping",
        },
    ),
    (
        "",
        "hazard, hazarderstvo, stave, ludomani, spilleafhængighed, gambling",
        {
            "sl": "hazard, hazarderstvo, stave, igre na srečo, igralnica",
            "da": "ludomani, spillemisbrug, spilleafhængighed, kasino",
            "en": "gambling, betting, casino",
        },
    ),
    (
        "violence",
        "nasilje, vold, violence",
        {
            "sl": "nasilje, nasilen, nasilnež, tepe, pretepa, udari, zlorablja, zloraba, grozi, ustrahovanje, "
            "trpinčenje, varna hiša, spolno nasilje, nadlegovanje",
            "da": "vold, voldelig, voldsom, slår, tæsk, overgreb, trusler, krisecenter, kvindekrisecenter, "
            "partnervold, chikane",
            "en": "violence, violent, abuse, abused, abusive, beaten, domestic, assault, threats",
        },
    ),
    (
        "mental-health",
        "",
        {
            "sl": "duševna stiska, stiska, psihične težave, samomor, psiholog, psihiater, kriza",
            "da": "psykisk, krise, selvmord, psykolog, psykiater, mistrivsel",
            "en": "mental, crisis, suicide, psychologist, psychiatrist, distress",
        },
    ),
    (
        "",
        "depresija, depresiven, tesnoba, anksioznost, potrtost, izgorelost, depression, deprimeret, angst, "
        "anxiety, depressed",
        {
            "sl": "depresija, depresiven, depresivna, tesnoba, tesnobnost, anksioznost, potrtost, panika, "
            "izgorelost",
            "da": "depression, deprimeret, angst, panik, nedtrykt",
            "en": "depression, depressed, anxiety, anxious, panic, burnout",
        },
    ),
    (
        "",
        "stres, stress, preobremenjen",
        {"sl": "stres, stresen, preobremenjenost", "da": "stress, stresset", "en": "stress, stressed"},
    ),
    (
        "",
        "žalovanje, žalost, izguba, sorg, grief, mistet",
        {"sl": "žalovanje, žalost, smrt", "da": "sorg, sørge, død", "en": "grief, mourning, bereavement"},
    ),
    (
        "",
        "osamljenost, osamljen, samota, ensom, ensomhed, loneliness, lonely",
        {
            "sl": "osamljenost, osamljen, osamljena, sam, sama, samota, druženje",
            "da": "ensom, ensomhed, alene, selskab, fællesskab",
            "en": "loneliness, lonely, alone, isolated, isolation, company",
        },
    ),
    (
        "",
        "dolg, dolgovi, izvršba, položnica, zadolženost, gæld, inkasso, rykker, debt",
        {
            "sl": "dolg, dolgovi, dolgove, zadolženost, izvršba, rubež, krediti, položnice, osebni stečaj",
            "da": "gæld, gældsrådgivning, rykkere, inkasso, kreditorer, regninger, budget",
            "en": "debt, debts, bills, loans, bankruptcy, budget",
        },
    ),
    (
        "poverty-food",
        "",
        {
            "sl": "revščina, reven, revna, denar, socialna pomoč, materialna stiska",
            "da": "fattig, fattigdom, penge, økonomi",
            "en": "poverty, poor, money",
        },
    ),
    (
        "",
        "hrana, paket, oblačila, mad, madhjælp, madkasse, food, clothing",
        {
            "sl": "hrana, paket hrane, lačen, kosilo, oblačila, obleka",
            "da": "mad, madhjælp, madkasse, tøj",
            "en": "food, food bank, hungry, meals, clothes",
        },
    ),
    (
        "unemployment",
        "brezposelnost, brezposeln, ledighed, ledig, arbejdsløshed, unemployment, unemployed",
        {
            "sl": "brezposelnost, brezposeln, brezposelna, brez službe, služba, zaposlitev, delo, "
            "iskanje zaposlitve, odpuščen",
            "da": "ledig, ledighed, arbejdsløs, arbejdsløshed, job, arbejde, jobsøgning, fyret",
            "en": "unemployment, unemployed, jobless, job, work, employment, fired, laid off",
        },
    ),
    (
        "parenting",
        "starševstvo, forældreskab, parenting",
        {
            "sl": "starši, starševstvo, vzgoja",
            "da": "forældre, forældreskab, opdragelse",
            "en": "parents, parenting, upbringing",
        },
    ),
    (
        "",
        "nosečnica, nosečnost, porod, dojenček, gravid, graviditet, fødsel, pregnant, pregnancy, antenatal",
        {
            "sl": "nosečnost, noseča, nosečnica, porod, dojenček",
            "da": "gravid, graviditet, fødsel, baby",
            "en": "pregnant, pregnancy, birth, baby",
        },
    ),
    (
        "elderly-care",
        "starejši, ældre, elderly",
        {
            "sl": "starejši, ostarel, upokojenec, upokojenka, pomoč na domu, dom za starejše, oskrba, demenca",
            "da": "ældre, pensionist, hjemmehjælp, plejehjem, pleje, demens",
            "en": "elderly, older, senior, pensioner, home care, care home, dementia",
        },
    ),
    (
        "disability",
        "invalidnost, invalid, handicap, disability",
        {
            "sl": "invalid, invalidnost, invalidski voziček, oviranost, posebne potrebe, gluh, slep",
            "da": "handicap, handicappet, kørestol, funktionsnedsættelse, døv, blind",
            "en": "disability, disabled, handicap, wheelchair, deaf, blind, special needs, impairment",
        },
    ),
    (
        "migrants",
        "priseljenci, priseljenec, begunci, indvandrere, flygtning, migrants, refugees",
        {
            "sl": "priseljenci, priseljenec, priseljenka, migranti, begunci, begunec, tujec, tujci, azil",
            "da": "indvandrere, indvandrer, migranter, flygtning, flygtninge, udlænding, asyl",
            "en": "migrants, migrant, immigrants, immigrant, refugee, refugees, asylum, foreigner",
        },
    ),
    (
        "housing",
        "brezdomstvo, hjemløshed, homelessness",
        {
            "sl": "stanovanje, bivanje, brezdomec, brezdomstvo, brezdomci, zavetišče, deložacija, najemnina",
            "da": "bolig, hjemløs, hjemløshed, herberg, husleje, udsættelse",
            "en": "housing, homeless, homelessness, rent, eviction, shelter",
        },
    ),
    (
        "youth",
        "",
        {
            "sl": "mladi, mladostnik, mladostniki, najstnik, najstniki, dijak, dijaki, mladinski",
            "da": "unge, ung, teenager, teenagere, ungdom",
            "en": "youth, young, teenager, teenagers, teens, adolescent",
        },
    ),
    (
        "health-promotion",
        "",
        {"sl": "zdravje, zdrav življenjski slog", "da": "sundhed, sund", "en": "health, healthy"},
    ),
    (
        "",
        "gibanje, vadba, telovadba, motion, træning, exercise, fitness",
        {
            "sl": "gibanje, telovadba, vadba, rekreacija",
            "da": "motion, træning, bevægelse",
            "en": "exercise, fitness, physical activity",
        },
    ),
    (
        "",
        "hujšanje, prehrana, teža, kost, vægttab, diet, nutrition, weight",
        {
            "sl": "hujšanje, prehrana, teža, dieta",
            "da": "kost, vægttab, vægt, slankekur",
            "en": "diet, nutrition, weight, weight loss",
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
