"""Demo registry: about two thousand households of the kind the seed programmes serve.

Internally displaced Serbs from Kosovo in Kragujevac, Kraljevo, Niš and Belgrade; Roma,
Ashkali and Egyptian families in informal settlements; Roma, Bosniak and Albanian families
returned from Germany under readmission in southern Serbia and Sandžak; Serb returnees and
remainees in Prizren, Klina, Gjilan, Klokot, Štrpce and Peć. Each household is registered by a
case worker of an organisation that works on the project, through ``household_register`` and
the other services, so the demo's registry has an audit trail like any other.

Names are written as the organisations write them: municipalities mostly in Cyrillic, NGOs in
Latin with or without diacritics, Excel lists in capitals, Albanian names in Albanian spelling or
transliterated in Serbian documents. Search and duplicate checks must see through all of it.

Duplicates: a handful of families are deliberately registered a second time by another
organisation, in the other script and sometimes with a typo, with a ``duplicate_reason`` as a
case worker would give it, so that deduplication has something to find. Every other household
is drawn so that it does not look like anyone already registered (the same last name, a first
name one typo away and a birth date within a year, the rule the registration check applies): a
draw that would is replaced by another, and should the service still object
(``PossibleDuplicates``) the household is drawn again. So the registration warning never fires
by accident and each acknowledgement in the demo is one of the deliberate pairs.

Everything is drawn from one seeded ``random.Random``: the same seed gives the same registry.
Loading is idempotent like the rest of the demo: a registry that holds any household is left as
it is.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from homeward.accounts.models import Organisation, User
from homeward.accounts.roles import Role
from homeward.accounts.services import user_create
from homeward.core.actors import Actor, actor_for_user, system_actor
from homeward.core.database import refresh_statistics
from homeward.core.names import fold, to_cyrillic, to_latin, within_one_edit
from homeward.geo.models import Area
from homeward.programmes.models import Project
from homeward.registry.jmbg import FEMALE, MALE, make_jmbg
from homeward.registry.models import (
    Accommodation,
    Consent,
    Difficulty,
    DisplacementStatus,
    Household,
    IdentityDocument,
    Relationship,
    ReturnIntention,
)
from homeward.registry.services import PossibleDuplicates, document_record, household_register

__all__ = ["DEFAULT_HOUSEHOLDS", "DUPLICATE_REASON", "load_demo_registry"]

DEFAULT_HOUSEHOLDS = 2000
DUPLICATE_REASON = (
    "The family says another organisation registered them already; registered again for the "
    "assistance of our project."
)

# --- names -----------------------------------------------------------------------------------


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# Serbian, Roma and Bosniak names in Serbian Latin with diacritics; Albanian names in Albanian
# spelling. Each is written in the household's own way by ``write``.

SERBIAN_SURNAMES = _words("""
Jovanović Petrović Nikolić Marković Đorđević Stojanović Ilić Stanković Pavlović Milošević
Popović Đokić Živković Todorović Janković Ristić Kostić Mitić Savić Lazić Milenković Cvetković
Stefanović Ranđelović Kovačević Denić Trajković Simić Dimitrijević Vasić Krstić Zdravković Antić
Perić Milić Radovanović Mladenović Veličković Jović Spasić Aleksić Tasić Obradović Filipović
Božović Vučković Milovanović Stojković Arsić Mihajlović Radić Lukić Jeremić Stevanović Milanović
Kocić Gajić Ivanović Vukadinović Milojević Đurić Nešić Pešić Kitanović Jevtić Živić Mitrović
Bogdanović Mirković Dimić Stamenković Petković Ignjatović Nedeljković Cvetić Maksimović Vuković
Ćirić Tomić Gligorijević Nestorović Momčilović Sokolović Rakić Šljivić Bojić Trifunović Radenković
Jakšić Pejčić Marinković Đukić Vasiljević Lazarević Stanojević Zlatković Jankov Rašić Čolić
""")
SERBIAN_MEN = _words("""
Dragan Zoran Milan Nenad Goran Dejan Saša Miloš Nikola Marko Stefan Srđan Bojan Vladimir Dušan
Miroslav Slobodan Dragoljub Živojin Radomir Ljubiša Dobrivoje Predrag Aleksandar Nemanja Lazar
Đorđe Vukašin Milorad Ratko Jovan Petar Uroš Danilo Vasilije Luka Ognjen Momčilo Siniša Novica
Života Stojan Radoslav Bratislav Dalibor Veljko Branko Časlav Mladen Nebojša Vojislav Tihomir
Rade Bogdan Filip Mihajlo Andrija Strahinja Dimitrije Ilija Velimir Živko Blagoje Miodrag Ljubomir
""")
SERBIAN_WOMEN = _words("""
Jelena Marija Dragana Snežana Milica Ivana Jovana Gordana Ljiljana Vesna Slađana Biljana Mirjana
Danijela Nataša Tanja Svetlana Zorica Ljubica Desanka Radmila Dobrila Stana Milena Ana Teodora
Anđela Katarina Sanja Nevena Dušica Verica Živka Olivera Jasmina Valentina Sofija Mila Dunja
Stanislava Bosiljka Vukosava Dragica Slavica Mileva Nada Ružica Kosara Leposava Ksenija Tijana
Aleksandra Vida Smiljana Nadežda Radojka Jagoda Stojanka Mirosava Kristina Iva Lenka Vasilija
""")
ROMA_SURNAMES = _words("""
Demirović Bajramović Osmani Beriša Mustafić Redžepi Ajeti Gaši Selimović Mehmedović Alijević
Ramadanović Jašarević Salihović Durmiši Kurteši Sejdić Bekteši Ibraimović Ajdari Memeti
Muratović Šaćiri Jašari Asani Demiri Rašiti Šabani Zećiri Islami Useini Osmanović Džemaili
Kurtiši Bajrami Amiti Alimi Rustemi Jovanović Nikolić Stojanović Mitrović Ristić Trajković
Ramić Sabitović Berišević Kamberović Saitović Jakupović Ismailović Rahmanović Abdulahu Halitović
""")
ROMA_MEN = _words("""
Bajram Sejdo Ramiz Šaban Džemail Muharem Ramadan Sabit Ismet Elvis Denis Dejan Saša Senad Nehat
Mevlan Fikret Nedžmedin Safet Ibro Ruždi Redžep Salija Kemal Sami Amet Bekim Dževdet Enis Erdžan
Muamer Bilal Armando Kristijan Marko Ivan Agron Durmiš Ljuan Skender Behram Hajrula Sadik Ekrem
""")
ROMA_WOMEN = _words("""
Fatima Selvije Sabina Šemsa Mirsada Ljutvije Nermina Elma Dženita Sevdija Ramiza Zumreta Vesna
Suzana Jasmina Daniela Samanta Amela Merima Ajša Hanumša Nadira Sanela Senada Lejla Elvira Elmaza
Medina Bukurije Šefćija Remzija Gordana Marina Ljuljeta Dragica Zlata Ajnija Hava Dželadija
""")
BOSNIAK_SURNAMES = _words("""
Hodžić Mujović Ljajić Kurtović Dazdarević Pepić Mahmutović Halilović Skenderović Šabotić
Hamidović Fetahović Kajević Ugljanin Mehović Muratović Ramović Bihorac Nokić Hadžić Suljović
Dupljak Zornić Gusinac Hasanović Kačar Lekić Ćatović Softić Ademović
""")
BOSNIAK_MEN = _words("""
Emir Admir Adnan Mirsad Almir Edin Senad Kenan Amer Elvir Fahrudin Ismet Mustafa Muhamed Ervin
Sead Rešad Sanel Samir Haris Dženan Faruk Hajro Enes Jasmin Alen Harun Adem Suad Mevludin
""")
BOSNIAK_WOMEN = _words("""
Emina Amra Selma Aida Alma Azra Lejla Mirsada Sanela Edina Fatima Sabina Hajrija Elvira Naida
Ajla Dženana Medina Samira Adisa Belma Esma Merima Amela Sevda Hana Minela Zehra Nermina Asija
""")
ALBANIAN_SURNAMES = _words("""
Krasniqi Gashi Berisha Morina Hoxha Shala Bytyqi Kelmendi Rexhepi Ahmeti Hasani Mustafa Osmani
Zeqiri Sylejmani Rama Halili Musliu Ismaili Jashari Avdiu Maliqi Beqiri Hyseni Kastrati Thaçi
Haliti Aliu Salihu Latifi Bajrami Dervishi Mehmeti Limani Ramadani Qerimi Abazi Sadiku Kurti
Selimi Hoti Fazliu Mazreku Murati Emini Zymberi Shabani Bislimi Kryeziu Hajdari
""")
ALBANIAN_MEN = _words("""
Arben Driton Fatmir Bekim Agim Besnik Ilir Valon Blerim Shpend Burim Faton Artan Luan Muhamet
Ramadan Bajram Xhavit Hysen Skender Enver Naim Avni Gëzim Qamil Sabri Rexhep Ardit Dardan Erion
Endrit Leotrim Arlind Albin Jetmir Granit Lirim Festim Bujar Shkëlzen Nexhat Ymer Ahmet Xhemajl
""")
ALBANIAN_WOMEN = _words("""
Fatime Shqipe Valbona Drita Mimoza Arta Blerta Vjosa Teuta Lumnije Hava Zejnepe Shpresa Fatmire
Merita Donika Njomza Albulena Erza Rina Elira Dafina Besa Qëndresa Liridona Ardita Hana Lejla
Saranda Mirlinda Hatixhe Nazmije Afërdita Gjylfidane Mirvete Xhevrije Bukurije Dhurata Lindita
""")

COMMUNITIES = {
    # community: (surnames, men, women, Albanian spelling)
    "serb": (SERBIAN_SURNAMES, SERBIAN_MEN, SERBIAN_WOMEN, False),
    "roma": (ROMA_SURNAMES, ROMA_MEN, ROMA_WOMEN, False),
    "bosniak": (BOSNIAK_SURNAMES, BOSNIAK_MEN, BOSNIAK_WOMEN, False),
    "albanian": (ALBANIAN_SURNAMES, ALBANIAN_MEN, ALBANIAN_WOMEN, True),
}

# How Serbian documents write Albanian letters: q as ć, xh as dž, ë as e, y as i.
_ALBANIAN_DIGRAPHS = {"xh": "џ", "gj": "ђ", "sh": "ш", "zh": "ж", "dh": "д", "th": "т",
                      "nj": "њ", "ll": "л", "rr": "р"}  # fmt: skip
_ALBANIAN_LETTERS = dict(
    zip("abcçdeëfghijklmnopqrstuvyz", "абцчдеефгхијклмнопћрстувиз", strict=True)
)
_ASCII = str.maketrans(
    {"č": "c", "ć": "c", "š": "s", "ž": "z", "Č": "C", "Ć": "C", "Š": "S", "Ž": "Z", "đ": "dj",
     "Đ": "Dj", "ë": "e", "Ë": "E", "ç": "c", "Ç": "C"}
)  # fmt: skip


def albanian_to_cyrillic(name: str) -> str:
    """An Albanian name as a Serbian document writes it in Cyrillic: Krasniqi → Краснићи."""
    letters = []
    index = 0
    while index < len(name):
        pair = name[index : index + 2]
        cyrillic = _ALBANIAN_DIGRAPHS.get(pair.lower())
        step = 2
        if cyrillic is None:
            cyrillic = _ALBANIAN_LETTERS.get(name[index].lower(), name[index])
            step = 1
        letters.append(cyrillic.upper() if name[index].isupper() else cyrillic)
        index += step
    return "".join(letters)


# How a household's names are written, by who writes them. The Serbian-orthography names are
# "cyrillic", "latin" (with diacritics), "ascii" (a keyboard without them: Đ as Dj) or "upper"
# (an Excel list in capitals); Albanian names come in Albanian spelling ("latin"), without ë
# and ç ("ascii"), in capitals, or as a Serbian document writes them ("cyrillic").
STYLES = ("cyrillic", "latin", "ascii", "upper_latin", "upper_cyrillic")


def write(name: str, style: str, *, albanian: bool) -> str:
    if style in ("cyrillic", "upper_cyrillic"):
        written = albanian_to_cyrillic(name) if albanian else to_cyrillic(name)
    elif style == "serbian_latin":
        written = to_latin(albanian_to_cyrillic(name)) if albanian else name
    elif style in ("ascii", "upper_latin"):
        written = name.translate(_ASCII)
    else:
        written = name
    return written.upper() if style.startswith("upper") else written


# --- places ----------------------------------------------------------------------------------

# The JMBG region of a Kosovo municipality's registry office (91 Priština, 92 Kosovska
# Mitrovica, 93 Peć, 94 Đakovica, 95 Prizren, 96 Gnjilane).
KOSOVO_REGIONS = {
    91: "prishtine podujeve obiliq fushe-kosove lipjan gracanice drenas shtime ferizaj "
    "shterpce kacanik hani-i-elezit",
    92: "mitrovice mitrovica-e-veriut vushtrri skenderaj zvecan zubin-potok leposaviq",
    93: "peje istog kline decan junik",
    94: "gjakove rahovec",
    95: "prizren dragash suhareke mamushe",
    96: "gjilan kamenice novoberde ranillug kllokot partesh viti",
}
_KOSOVO_REGION = {
    f"XK-{municipality}": region
    for region, municipalities in KOSOVO_REGIONS.items()
    for municipality in municipalities.split()
}
# Central Serbia's regions by district code (71 Belgrade, 72 Kragujevac, 73 Niš, 74 Leskovac,
# 75 Zaječar, 76 Podunavlje, 77 Podrinje and Kolubara, 78 Kraljevo, 79 Užice); Vojvodina 80–89.
_SERBIAN_REGION = {"00": 71, "12": 72, "13": 72, "20": 73, "21": 73, "22": 73, "23": 74,
                   "24": 74, "14": 75, "15": 75, "10": 76, "11": 76, "08": 77, "09": 77,
                   "17": 78, "18": 78, "19": 78, "16": 79, "01": 82}  # fmt: skip

# Where IDPs came from in 1999, and the villages whose families are still waiting to go back.
ORIGINS = {
    "XK-prishtine": ("Priština", "Čaglavica"),
    "XK-prizren": ("Prizren", "Sredska", "Mušnikovo"),
    "XK-peje": ("Peć", "Goraždevac", "Vitomirica"),
    "XK-gjilan": ("Gnjilane", "Šilovo", "Cernica"),
    "XK-kllokot": ("Klokot", "Vrbovac"),
    "XK-shterpce": ("Štrpce", "Sevce", "Gotovuša"),
    "XK-kline": ("Klina", "Biča", "Grabac"),
    "XK-rahovec": ("Orahovac", "Velika Hoča"),
    "XK-istog": ("Istok", "Osojane", "Žač"),
    "XK-lipjan": ("Lipljan", "Suvi Do"),
    "XK-obiliq": ("Obilić", "Plemetina"),
    "XK-fushe-kosove": ("Kosovo Polje", "Bresje"),
    "XK-mitrovice": ("Kosovska Mitrovica",),
    "XK-ferizaj": ("Uroševac", "Babljak"),
    "XK-vushtrri": ("Vučitrn", "Priluže"),
    "XK-novoberde": ("Novo Brdo", "Bostane"),
    "XK-kamenice": ("Kosovska Kamenica", "Koretin"),
    "XK-gjakove": ("Đakovica",),
    "XK-suhareke": ("Suva Reka",),
    "XK-decan": ("Dečani",),
    "XK-podujeve": ("Podujevo",),
}
SETTLEMENTS = {
    "RS-00-zvezdara": ("Mirijevo", "Mali Mokri Lug", "Veliki Mokri Lug", "Zvezdara"),
    "RS-00-palilula": ("Borča", "Krnjača", "Ovča"),
    "RS-00-zemun": ("Zemun", "Batajnica", "Ugrinovci"),
    "RS-00-cukarica": ("Železnik", "Sremčica", "Umka"),
    "RS-20-palilula": ("Niš", "Ledena Stena", "Donji Komren"),
    "RS-20-crveni-krst": ("Niš", "Beograd mahala"),
    "RS-20-medijana": ("Niš",),
    "RS-20-pantelej": ("Niš", "Stočni trg"),
    "RS-12-kragujevac": ("Kragujevac", "Stanovo", "Aerodrom"),
    "RS-18-kraljevo": ("Kraljevo", "Ribnica", "Adrani"),
    "RS-18-novi-pazar": ("Novi Pazar",),
    "RS-19-krusevac": ("Kruševac", "Lazarica"),
    "RS-24-vranje": ("Vranje", "Gornja čaršija"),
    "RS-24-bujanovac": ("Bujanovac", "Veliki Trnovac", "Levosoje"),
    "RS-24-presevo": ("Preševo", "Miratovac"),
    "RS-23-leskovac": ("Leskovac", "Podvorce"),
    "RS-22-pirot": ("Pirot",),
    "XK-gjilan": ("Gnjilane", "Šilovo"),
    "XK-kllokot": ("Klokot", "Vrbovac"),
    "XK-shterpce": ("Štrpce", "Sevce", "Brezovica"),
    "XK-prizren": ("Prizren", "Sredska", "Gornje Selo"),
    "XK-kline": ("Klina", "Biča", "Drsnik"),
    "XK-peje": ("Peć", "Goraždevac"),
}
STREETS = (
    "Kralja Petra I", "Vojvode Mišića", "Cara Dušana", "Njegoševa", "Nikole Tesle", "Kosovska",
    "Vuka Karadžića", "Svetog Save", "Kneza Miloša", "Jug Bogdanova", "Dimitrija Tucovića",
    "Kosovke devojke", "Gračanička", "Vidovdanska", "Hilandarska", "Miloša Obilića",
    "Karađorđeva", "Partizanska", "Branka Radičevića", "Ratarska",
)  # fmt: skip


# --- who registers whom ----------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Caseload:
    """The households one organisation registers for one project: where, whom and why."""

    project: str | None
    organisation: str
    weight: int
    municipalities: tuple[str, ...]
    communities: dict[str, int]
    statuses: dict[str, int]


S = DisplacementStatus
PIROT_RASINA_RASKA = (
    "RS-22-pirot", "RS-22-babusnica", "RS-22-bela-palanka", "RS-19-krusevac", "RS-19-trstenik",
    "RS-19-aleksandrovac", "RS-18-kraljevo", "RS-18-novi-pazar", "RS-18-tutin", "RS-16-sjenica",
)  # fmt: skip
NIS = ("RS-20-crveni-krst", "RS-20-medijana", "RS-20-palilula", "RS-20-pantelej")
CASELOADS = (
    # Održivi povratak: IDPs in central Serbia preparing their return to Kosovo.
    Caseload("odrzivi-povratak", "demo-ngo", 150,
             ("RS-12-kragujevac", "RS-18-kraljevo", "RS-19-krusevac", "RS-24-vranje"),
             {"serb": 8, "roma": 2}, {S.IDP: 1}),
    Caseload("odrzivi-povratak", "kragujevac", 140, ("RS-12-kragujevac",),
             {"serb": 8, "roma": 2}, {S.IDP: 1}),
    Caseload("odrzivi-povratak", "bozur", 110, ("RS-18-kraljevo", "RS-19-krusevac"),
             {"serb": 9, "roma": 1}, {S.IDP: 1}),
    Caseload("odrzivi-povratak", "sveti-spas", 110, ("RS-20-nis", "RS-12-kragujevac", *NIS[:2]),
             {"serb": 9, "roma": 1}, {S.IDP: 1}),
    # A Step Forward to Return: IDPs in Zvezdara (Belgrade) and Palilula (Niš).
    Caseload("step-forward", "demo-ngo", 90, ("RS-00-zvezdara", "RS-20-palilula"),
             {"serb": 8, "roma": 2}, {S.IDP: 1}),
    Caseload("step-forward", "zvezdara", 170, ("RS-00-zvezdara",),
             {"serb": 8, "roma": 2}, {S.IDP: 1}),
    Caseload("step-forward", "palilula-nis", 170, ("RS-20-palilula",),
             {"serb": 7, "roma": 3}, {S.IDP: 1}),
    # Reintegration II: returnees and the locally vulnerable in Pirot, Rasina and Raška.
    Caseload("asb-reintegration-ii", "asb-serbia", 230, PIROT_RASINA_RASKA,
             {"roma": 4, "serb": 3, "bosniak": 3},
             {S.READMITTED_RETURNEE: 5, S.LOCAL_VULNERABLE: 4, S.RETURNEE: 1}),
    Caseload("asb-reintegration-ii", "idc", 150, PIROT_RASINA_RASKA,
             {"roma": 5, "serb": 2, "bosniak": 3},
             {S.READMITTED_RETURNEE: 5, S.LOCAL_VULNERABLE: 5}),
    # Returnee reintegration (GIZ): readmitted returnees, asylum seekers sent back, Roma.
    Caseload("giz-returnee-reintegration", "league-of-roma", 150,
             (*NIS, "RS-23-leskovac", "RS-24-vranje", "RS-22-pirot"),
             {"roma": 9, "serb": 1},
             {S.READMITTED_RETURNEE: 5, S.ASYLUM_SEEKER: 1, S.LOCAL_VULNERABLE: 3, S.IDP: 1}),
    Caseload("giz-returnee-reintegration", "league-of-roma", 50,
             ("RS-24-bujanovac", "RS-24-presevo"), {"albanian": 1},
             {S.READMITTED_RETURNEE: 4, S.ASYLUM_SEEKER: 1}),
    Caseload("giz-returnee-reintegration", "yurom-centre", 130,
             ("RS-20-nis", *NIS, "RS-01-subotica", "RS-12-kragujevac", "RS-24-bujanovac"),
             {"roma": 9, "serb": 1},
             {S.READMITTED_RETURNEE: 5, S.LOCAL_VULNERABLE: 4, S.IDP: 1}),
    Caseload("giz-returnee-reintegration", "giz", 70,
             ("RS-00-zemun", "RS-00-palilula", "RS-00-cukarica", "RS-11-pozarevac",
              "RS-19-krusevac"),
             {"roma": 7, "serb": 3}, {S.READMITTED_RETURNEE: 6, S.LOCAL_VULNERABLE: 4}),
    # Durable solutions in Kosovo (DRC): returnees and the remainee communities around them.
    Caseload("drc-durable-solutions-y1", "drc", 150,
             ("XK-prizren", "XK-kline", "XK-gjilan", "XK-kllokot", "XK-shterpce", "XK-peje"),
             {"serb": 7, "roma": 3}, {S.RETURNEE: 7, S.REMAINEE: 3}),
    Caseload("drc-durable-solutions-y1", "drc", 40, ("XK-gjilan", "XK-prizren", "XK-kline"),
             {"albanian": 1}, {S.RETURNEE: 1}),
    # The municipalities' own social protection lists, outside any project.
    Caseload(None, "kragujevac", 50, ("RS-12-kragujevac",),
             {"serb": 6, "roma": 4}, {S.LOCAL_VULNERABLE: 3, S.IDP: 1}),
    Caseload(None, "zvezdara", 40, ("RS-00-zvezdara",),
             {"serb": 6, "roma": 4}, {S.LOCAL_VULNERABLE: 3, S.IDP: 1}),
)  # fmt: skip

# Who registers for each organisation. The demo's own users are used where the organisation
# has a case worker; the others get one field case worker each, who cannot log in (no password)
# but is the registering user and takes the consent, as someone of the organisation must.
CASE_WORKERS = {
    "demo-ngo": ("caseworker", "", ""),
    "asb-serbia": ("asb-caseworker", "", ""),
    "kragujevac": ("kragujevac-caseworker", "Snežana", "Milovanović"),
    "bozur": ("bozur-caseworker", "Dragana", "Vasić"),
    "sveti-spas": ("sveti-spas-caseworker", "Nebojša", "Trajković"),
    "zvezdara": ("zvezdara-caseworker", "Ivana", "Lukić"),
    "palilula-nis": ("palilula-caseworker", "Marko", "Stanković"),
    "idc": ("idc-caseworker", "Aleksandra", "Đurić"),
    "giz": ("giz-caseworker", "Katrin", "Weber"),
    "league-of-roma": ("league-caseworker", "Senad", "Demirović"),
    "yurom-centre": ("yurom-caseworker", "Elvira", "Bajramović"),
    "drc": ("drc-caseworker", "Milica", "Stojanović"),
}

# How each kind of organisation writes names (weights over ``STYLES``); Albanian names are
# written by Serbian offices in Cyrillic, otherwise in Albanian spelling.
_MUNICIPAL_STYLES = {"cyrillic": 6, "latin": 3, "upper_cyrillic": 1}
_NGO_STYLES = {"latin": 5, "ascii": 3, "upper_latin": 1, "cyrillic": 1}
_ALBANIAN_STYLES = {"latin": 6, "ascii": 2, "upper_latin": 1, "serbian_latin": 1}


# --- the draw --------------------------------------------------------------------------------


@dataclass
class Member:
    relationship: str
    sex: str
    born: date
    estimated: bool
    first: str  # canonical spelling, written by ``_write`` at the end
    last: str
    father: str = ""
    born_in: str = "serbia"  # "serbia", "kosovo" or "abroad"
    fields: dict = field(default_factory=dict)
    documents: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Draft:
    caseload: Caseload
    community: str
    status: str
    municipality: str
    style: str
    members: list[Member]
    household: dict
    consent: list[str]
    albanian: bool = False


def _weighted(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _birth(rng: random.Random, today: date, age: int) -> date:
    start = date(today.year - age - 1, today.month, 1) + timedelta(days=1)
    born = start + timedelta(days=rng.randrange(364))
    return min(born, today - timedelta(days=1))


class _Drawer:
    """Draws households; remembers names, JMBGs and phones already given out."""

    def __init__(self, rng: random.Random, areas: dict[str, Area], today: date):
        self.rng = rng
        self.areas = areas
        self.today = today
        self.jmbgs: set[str] = set()
        self.phones: set[str] = set()
        # folded last name → [(folded first name, date of birth)], as the registry check sees
        self.people: dict[str, list[tuple[str, date]]] = defaultdict(list)

    # .. people ..

    def _name(self, community: str, sex: str) -> str:
        _surnames, men, women, _albanian = COMMUNITIES[community]
        return self.rng.choice(men if sex == MALE else women)

    def _first_name(self, community: str, sex: str) -> str:
        """A first name nobody else in the household bears (parents do not name two children
        alike, and a son is not named after the head who lives with him)."""
        for _attempt in range(20):
            name = self._name(community, sex)
            if name not in self.household_names:
                break
        self.household_names.add(name)
        return name

    def _surname(self, community: str) -> str:
        return self.rng.choice(COMMUNITIES[community][0])

    def _member(self, community, relationship, sex, age, last, father="", born=None) -> Member:
        rng = self.rng
        estimated = rng.random() < (0.15 if community == "roma" or age > 70 else 0.05)
        born = born or _birth(rng, self.today, age)
        if estimated:
            born = born.replace(month=1, day=1)
        return Member(
            relationship=relationship,
            sex=sex,
            born=born,
            estimated=estimated,
            first=self._first_name(community, sex),
            last=last,
            father=father if self.record_fathers and rng.random() < 0.95 else "",
        )

    def _children(self, community, last, father_name, youngest_parent_age, count, relationship):
        """Up to ``count`` children, the eldest born when the younger parent was 18 to 30,
        the others one to three and a half years apart, none born in the future."""
        rng = self.rng
        if youngest_parent_age < 19:
            return []
        eldest_age = youngest_parent_age - rng.randint(18, min(30, youngest_parent_age))
        born = _birth(rng, self.today, eldest_age)
        children = []
        for _index in range(count):
            if born >= self.today:
                break
            age = self.today.year - born.year
            sex = rng.choice((MALE, FEMALE))
            children.append(
                self._member(community, relationship, sex, age, last, father_name, born=born)
            )
            born += timedelta(days=rng.randint(400, 1300))
        return children

    def family(self, community: str) -> list[Member]:
        """Head first; relationships, sexes and ages as families have them."""
        rng = self.rng
        self.household_names: set[str] = set()
        # Serbian forms ask for the father's name; not every organisation's form does.
        self.record_fathers = rng.random() < 0.8
        last = self._surname(community)
        large = community in ("roma", "albanian", "bosniak")
        shape = _weighted(
            rng,
            {"alone": 3, "old_couple": 4, "couple": 10, "single_parent": 3, "with_parents": 3,
             "three_generations": 2}
            if not large
            else {"alone": 1, "old_couple": 1, "couple": 12, "single_parent": 3,
                  "with_parents": 2, "three_generations": 6},
        )  # fmt: skip
        spouse_last = lambda: last if rng.random() < 0.85 else self._surname(community)  # noqa: E731
        if shape == "alone":
            sex = FEMALE if rng.random() < 0.65 else MALE
            head = self._member(community, Relationship.HEAD, sex, rng.randint(65, 90), last,
                                self._name(community, MALE))  # fmt: skip
            return [head]
        if shape == "single_parent":
            sex = FEMALE if rng.random() < 0.85 else MALE
            age = rng.randint(23, 50)
            head = self._member(community, Relationship.HEAD, sex, age, last,
                                self._name(community, MALE))  # fmt: skip
            father = head.first if sex == MALE else self._name(community, MALE)
            count = rng.randint(1, 5 if large else 3)
            children = self._children(community, last, father, age, count, Relationship.CHILD)
            return [head, *children] if children else [head]

        head_age = {
            "old_couple": (62, 85),
            "couple": (24, 55),
            "with_parents": (30, 50),
            "three_generations": (50, 70),
        }[shape]
        head_age = rng.randint(*head_age)
        head_sex = MALE if rng.random() < 0.88 else FEMALE
        head = self._member(community, Relationship.HEAD, head_sex, head_age, last,
                            self._name(community, MALE))  # fmt: skip
        spouse_sex = FEMALE if head_sex == MALE else MALE
        spouse_age = max(18, head_age + rng.randint(-8, 2) * (1 if head_sex == MALE else -1))
        spouse = self._member(community, Relationship.SPOUSE, spouse_sex, spouse_age,
                              spouse_last(), self._name(community, MALE))  # fmt: skip
        family = [head, spouse]
        husband = head if head_sex == MALE else spouse
        youngest = min(head_age, spouse_age)
        if shape == "old_couple":
            return family
        if shape == "couple":
            count = rng.randint(0, 6 if large else 3)
            family += self._children(community, last, husband.first, youngest, count,
                                     Relationship.CHILD)  # fmt: skip
            return family
        if shape == "with_parents":
            count = rng.randint(1, 5 if large else 3)
            family += self._children(community, last, husband.first, youngest, count,
                                     Relationship.CHILD)  # fmt: skip
            grandfather = self._name(community, MALE)
            parent_age = min(95, head_age + rng.randint(20, 35))
            for sex in rng.sample((MALE, FEMALE), rng.randint(1, 2)):
                father_name = "" if head.father and sex == MALE else self._name(community, MALE)
                parent = self._member(community, Relationship.PARENT, sex,
                                      min(95, parent_age + rng.randint(-3, 3)), last,
                                      father_name)  # fmt: skip
                if sex == MALE and head.father:
                    parent.first = head.father
                parent.father = parent.father or grandfather
                family.append(parent)
            return family
        # Three generations: the heads, a married son with his wife, and their children; maybe
        # a younger unmarried child too.
        son_age = rng.randint(max(18, youngest - 32), youngest - 20)
        son = self._member(community, Relationship.CHILD, MALE, son_age, last, husband.first)
        wife_age = max(17, son_age + rng.randint(-6, 1))
        wife = self._member(community, Relationship.CHILD_IN_LAW, FEMALE, wife_age,
                            spouse_last(), self._name(community, MALE))  # fmt: skip
        family += [son, wife]
        count = rng.randint(1, 5 if large else 2)
        family += self._children(community, last, son.first, min(son_age, wife_age), count,
                                 Relationship.GRANDCHILD)  # fmt: skip
        if rng.random() < 0.3 and son_age - 2 >= max(0, youngest - 42):
            age = rng.randint(max(0, youngest - 42), son_age - 2)
            sex = rng.choice((MALE, FEMALE))
            family.append(self._member(community, Relationship.CHILD, sex, age, last,
                                       husband.first))  # fmt: skip
        return family

    # .. what the registry holds about them ..

    def clashes(self, members: list[Member]) -> bool:
        """Whether the registration check would take any member for someone registered."""
        for member in members:
            first = fold(member.first)
            for other_first, other_born in self.people.get(fold(member.last), ()):
                if (
                    within_one_edit(first, other_first)
                    and abs((member.born - other_born).days) <= 366
                ):
                    return True
        return False

    def remember(self, members: list[Member]) -> None:
        for member in members:
            self.people[fold(member.last)].append((fold(member.first), member.born))

    def jmbg(self, member: Member, region: int) -> str:
        for _attempt in range(50):
            value = make_jmbg(
                member.born, region_code=region, sex=member.sex, serial=self.rng.randrange(500)
            )
            if value not in self.jmbgs:
                self.jmbgs.add(value)
                return value
        return ""

    def phone(self, in_kosovo: bool) -> str:
        rng = self.rng
        while True:
            if in_kosovo:
                prefix = rng.choice(("44", "45", "49", "43"))
                digits = f"{rng.randrange(10**6):06d}"
                written = rng.choice(
                    (
                        f"+383 {prefix} {digits[:3]} {digits[3:]}",
                        f"0{prefix}/{digits[:3]}-{digits[3:]}",
                    )
                )
            else:
                prefix = rng.choice(("60", "61", "62", "63", "64", "65", "66", "69"))
                digits = f"{rng.randrange(10**7):07d}"
                written = rng.choice(
                    (
                        f"0{prefix}/{digits[:3]}-{digits[3:]}",
                        f"+381 {prefix} {digits}",
                        f"0{prefix}{digits}",
                        f"0{prefix} {digits[:3]} {digits[3:]}",
                    )
                )
            if digits not in self.phones:
                self.phones.add(prefix + digits)
                return written


def _region(drawer: _Drawer, member: Member, municipality: str, origin: str | None) -> int | None:
    if member.born_in == "abroad":
        return None
    if member.born_in == "kosovo":
        return _KOSOVO_REGION.get(origin or municipality)
    if municipality.startswith("XK-"):
        return _KOSOVO_REGION.get(municipality)
    return _SERBIAN_REGION.get(municipality[3:5], 71)


def draw_household(drawer: _Drawer, caseload: Caseload, organisations) -> Draft:
    rng = drawer.rng
    today = drawer.today
    community = _weighted(rng, caseload.communities)
    status = str(_weighted(rng, caseload.statuses))
    municipality = rng.choice(caseload.municipalities)
    in_kosovo = municipality.startswith("XK-")
    albanian = COMMUNITIES[community][3]
    organisation = organisations[caseload.organisation]
    if albanian:
        style = _weighted(rng, _ALBANIAN_STYLES)
        if organisation.kind == Organisation.Kind.MUNICIPALITY or rng.random() < 0.1:
            style = "cyrillic"
    elif organisation.kind == Organisation.Kind.MUNICIPALITY:
        style = _weighted(rng, _MUNICIPAL_STYLES)
    else:
        style = _weighted(rng, _NGO_STYLES)

    members = drawer.family(community)
    displaced = status in (S.IDP, S.RETURNEE, S.REMAINEE) or (
        community == "roma" and status != S.LOCAL_VULNERABLE and rng.random() < 0.3
    )
    origin = None
    if in_kosovo:
        origin = municipality
    elif displaced:
        origin = rng.choice(list(ORIGINS))
    # Born in Kosovo: the displaced who were born before 1999, Kosovo Serbs born since (their
    # registry offices kept working), Albanians of Kosovo before the 1990s. Born abroad: the
    # young children of families returned under readmission.
    for member in members:
        if origin and (member.born.year < 1999 or (in_kosovo and community != "albanian")):
            member.born_in = "kosovo"
        if status == S.READMITTED_RETURNEE and member.born > today - timedelta(days=365 * 9):
            member.born_in = "abroad" if rng.random() < 0.6 else member.born_in
    for member in members:
        if community == "albanian" and in_kosovo and member.born.year >= 1992:
            has_jmbg = False  # Kosovo's own personal number, not a JMBG
        elif member.estimated or member.born_in == "abroad":
            has_jmbg = False
        else:
            adult = member.born < today.replace(year=today.year - 18)
            has_jmbg = (
                rng.random()
                < {
                    "serb": 0.95 if adult else 0.88,
                    "roma": 0.72 if adult else 0.6,
                    "bosniak": 0.9,
                    "albanian": 0.65 if adult else 0.85,
                }[community]
            )
        region = _region(drawer, member, municipality, origin)
        national_id = drawer.jmbg(member, region) if has_jmbg and region else ""
        age = today.year - member.born.year
        answered_wg = rng.random() < 0.25 and age >= 5
        difficulty = 0.01 + 0.002 * max(0, age - 40)
        fields = {
            "national_id": national_id,
            "displacement_status": status,
            "chronic_illness": rng.random() < (0.2 if age > 50 else 0.03),
        }
        if answered_wg:
            for name in ("wg_seeing", "wg_hearing", "wg_walking", "wg_remembering",
                         "wg_self_care", "wg_communicating"):  # fmt: skip
                roll = rng.random()
                fields[name] = (
                    Difficulty.CANNOT
                    if roll < difficulty * 0.2
                    else Difficulty.A_LOT
                    if roll < difficulty
                    else Difficulty.SOME
                    if roll < difficulty * 4
                    else Difficulty.NONE
                )
        if age >= 18 and rng.random() < 0.12:
            fields["phone"] = drawer.phone(in_kosovo)
        member.fields = fields
        member.documents = _documents(rng, member, status, community, in_kosovo)
    head = members[0]
    adults = [m for m in members if today.year - m.born.year >= 18]
    if len(adults) == 1 and len(members) > 1:
        head.fields["single_parent"] = True
    if len(members) == 1 and today.year - head.born.year >= 65:
        head.fields["older_person_alone"] = True

    if community == "roma" and not in_kosovo:
        accommodation = _weighted(
            rng,
            {Accommodation.INFORMAL_SETTLEMENT: 6, Accommodation.PRIVATE: 3,
             Accommodation.HOST_FAMILY: 1},
        )  # fmt: skip
    elif status == S.IDP:
        accommodation = _weighted(
            rng,
            {Accommodation.PRIVATE: 7, Accommodation.COLLECTIVE_CENTRE: 2,
             Accommodation.HOST_FAMILY: 1},
        )  # fmt: skip
    else:
        accommodation = _weighted(rng, {Accommodation.PRIVATE: 8, Accommodation.HOST_FAMILY: 2})
    settlement = rng.choice(SETTLEMENTS.get(municipality, ("",)))
    street = f"{rng.choice(STREETS)} {rng.randint(1, 180)}"
    if accommodation == Accommodation.COLLECTIVE_CENTRE:
        address = f"Kolektivni centar, {street}, soba {rng.randint(1, 40)}"
    elif accommodation == Accommodation.INFORMAL_SETTLEMENT:
        address = "Romsko naselje bb" if rng.random() < 0.6 else ""
    else:
        address = street
    if style in ("cyrillic", "upper_cyrillic") and not albanian:
        address, settlement = to_cyrillic(address), to_cyrillic(settlement)
    if status == S.IDP:
        intention = _weighted(
            rng,
            {ReturnIntention.RETURN: 5, ReturnIntention.UNDECIDED: 3,
             ReturnIntention.INTEGRATE_LOCALLY: 2, ReturnIntention.RESETTLE: 1}
            if caseload.project in ("odrzivi-povratak", "step-forward")
            else {ReturnIntention.INTEGRATE_LOCALLY: 5, ReturnIntention.UNDECIDED: 3,
                  ReturnIntention.RETURN: 2},
        )  # fmt: skip
    else:
        intention = ""
    household = {
        "current_municipality": drawer.areas[municipality],
        "current_settlement": settlement,
        "address": address,
        "accommodation": accommodation,
        "origin_municipality": drawer.areas[origin] if origin else None,
        "origin_settlement": (
            rng.choice(ORIGINS.get(origin, ("",))) if origin and rng.random() < 0.7 else ""
        ),
        "phone": drawer.phone(in_kosovo) if rng.random() < 0.85 else "",
        "return_intention": intention,
    }
    consent = []
    if rng.random() < 0.98:
        consent.append(Consent.Purpose.REGISTRATION)
        if rng.random() < 0.4:
            consent.append(Consent.Purpose.REFERRAL)
        if rng.random() < 0.3:
            consent.append(Consent.Purpose.FOLLOW_UP)
    return Draft(
        caseload=caseload,
        community=community,
        status=status,
        municipality=municipality,
        style=style,
        members=members,
        household=household,
        consent=consent,
        albanian=albanian,
    )


def _documents(rng, member: Member, status, community, in_kosovo) -> list[tuple[str, str]]:
    """The documents worth recording: the missing ones above all, a need in itself."""
    kind, held, missing = (
        IdentityDocument.Kind,
        IdentityDocument.Status.HELD,
        IdentityDocument.Status.MISSING,
    )
    documents = []
    adult = member.relationship in (Relationship.HEAD, Relationship.SPOUSE)
    if status == S.IDP and member.relationship == Relationship.HEAD:
        documents.append((kind.IDP_CARD, held if rng.random() < 0.88 else missing))
    if member.born_in == "abroad":
        documents.append((kind.BIRTH_CERTIFICATE, missing if rng.random() < 0.5 else held))
        if rng.random() < 0.4:
            documents.append((kind.RESIDENCE_REGISTRATION, missing))
    elif community == "roma" and adult and not member.fields.get("national_id"):
        documents.append((kind.SERBIAN_ID_CARD, missing))
    if in_kosovo and member.relationship == Relationship.HEAD:
        documents.append((kind.KOSOVO_ID_CARD, held if rng.random() < 0.7 else missing))
    if status == S.READMITTED_RETURNEE and adult and rng.random() < 0.15:
        documents.append((kind.HEALTH_INSURANCE, missing))
    return documents


def _members_data(draft: Draft, style: str | None = None) -> list[dict]:
    style = style or draft.style
    rows = []
    for member in draft.members:
        name = lambda text: write(text, style, albanian=draft.albanian) if text else ""  # noqa: E731
        rows.append(
            {
                "relationship_to_head": member.relationship,
                "first_name": name(member.first),
                "father_name": name(member.father),
                "last_name": name(member.last),
                "sex": member.sex,
                "date_of_birth": member.born,
                "date_of_birth_estimated": member.estimated,
                **member.fields,
            }
        )
    return rows


def _typo(rng: random.Random, name: str) -> str:
    """One slip of the keyboard: a letter dropped or two neighbours swapped."""
    if len(name) < 5:
        return name
    index = rng.randrange(1, len(name) - 2)
    if rng.random() < 0.5:
        return name[:index] + name[index + 1 :]
    return name[:index] + name[index + 1] + name[index] + name[index + 2 :]


# --- loading ---------------------------------------------------------------------------------


def _case_worker_actors(organisations: dict[str, Organisation]) -> dict[str, Actor]:
    system = system_actor(via="cli")
    actors = {}
    for code, (username, first_name, last_name) in CASE_WORKERS.items():
        user = User.objects.filter(username=username).first()
        if user is None:
            user = user_create(
                actor=system,
                username=username,
                first_name=first_name,
                last_name=last_name,
                organisation=organisations[code],
                role=Role.CASE_WORKER,
            )
        actors[code] = actor_for_user(user, via="cli")
    return actors


def _register(actor: Actor, draft: Draft, organisation, project, members, reason=""):
    household = household_register(
        actor=actor,
        organisation=organisation,
        project=project,
        household=dict(draft.household),
        members=members,
        consent_purposes=draft.consent,
        duplicate_reason=reason,
    )
    people = list(household.members.order_by("pk"))
    for person, member in zip(people, draft.members, strict=True):
        for kind, status in member.documents:
            document_record(actor=actor, person=person, kind=kind, status=status)
    return household


def load_demo_registry(*, households: int = DEFAULT_HOUSEHOLDS, seed: int = 2026) -> int:
    """Register ``households`` demo households in an empty registry; returns how many were
    added (none when the registry already holds households)."""
    if households <= 0 or Household.objects.exists():
        return 0
    rng = random.Random(seed)
    today = timezone.localdate()
    organisations = {o.code: o for o in Organisation.objects.all()}
    projects = {p.code: p for p in Project.objects.all()}
    areas = {a.code: a for a in Area.objects.filter(code__in=_area_codes())}
    # The deliberate duplicates: families registered a second time by another organisation.
    pairs = households // 250 if households >= 250 else int(households >= 10)
    with transaction.atomic():
        actors = _case_worker_actors(organisations)
        drawer = _Drawer(rng, areas, today)
        weights = [caseload.weight for caseload in CASELOADS]
        registered: list[Draft] = []
        for _index in range(households - pairs):
            caseload = rng.choices(CASELOADS, weights=weights)[0]
            for _attempt in range(100):
                draft = draw_household(drawer, caseload, organisations)
                if drawer.clashes(draft.members):
                    continue
                try:
                    _register(
                        actors[caseload.organisation],
                        draft,
                        organisations[caseload.organisation],
                        projects.get(caseload.project),
                        _members_data(draft),
                    )
                except PossibleDuplicates:
                    continue
                drawer.remember(draft.members)
                registered.append(draft)
                break
        added = len(registered)
        added += _register_duplicates(rng, drawer, registered, pairs, organisations, projects,
                                      actors)  # fmt: skip
    # Migrations analysed an empty registry; the planner should know it holds thousands now.
    refresh_statistics()
    return added


def _register_duplicates(rng, drawer, registered, pairs, organisations, projects, actors) -> int:
    """Register ``pairs`` families again, by another organisation working in the same place,
    in the other script, a third of them with a typo in one member's first name."""
    by_place = defaultdict(set)
    for caseload in CASELOADS:
        for municipality in caseload.municipalities:
            by_place[municipality].add(caseload)
    candidates = [
        draft
        for draft in registered
        if not draft.albanian
        and any(c.organisation != draft.caseload.organisation for c in by_place[draft.municipality])
    ]
    added = 0
    for draft in rng.sample(candidates, min(pairs, len(candidates))):
        other = rng.choice(
            sorted(
                (
                    c
                    for c in by_place[draft.municipality]
                    if c.organisation != draft.caseload.organisation
                ),
                key=lambda c: (c.organisation, c.project or ""),
            )
        )
        style = "ascii" if draft.style in ("cyrillic", "upper_cyrillic") else "cyrillic"
        again = replace(draft, caseload=other, household=dict(draft.household))
        again.household["phone"] = drawer.phone(False) if rng.random() < 0.5 else ""
        again.members = [replace(member, fields=dict(member.fields), documents=[])
                         for member in draft.members]  # fmt: skip
        for member in again.members:
            member.fields.pop("phone", None)
            if rng.random() < 0.3:
                member.fields["national_id"] = ""  # not copied at the second registration
        if rng.random() < 1 / 3:
            member = rng.choice(again.members)
            member.first = _typo(rng, member.first)
        _register(
            actors[other.organisation],
            again,
            organisations[other.organisation],
            projects.get(other.project),
            _members_data(again, style),
            reason=DUPLICATE_REASON,
        )
        added += 1
    return added


def _area_codes() -> set[str]:
    codes = set(ORIGINS)
    for caseload in CASELOADS:
        codes.update(caseload.municipalities)
    return codes
