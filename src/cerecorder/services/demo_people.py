"""The demo school's people: pupils' names by background, with the weights they are
drawn with; staff names and titles; local authority numbers and form letters. All made
up, for the demo vault (services/demo.py)."""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType


@dataclass(frozen=True)
class Background:
    weight: float
    girls: tuple[str, ...]
    boys: tuple[str, ...]
    #: "male|female" where a surname changes with gender (Ivanov|Ivanova)
    surnames: tuple[str, ...]


def _split(text: str) -> tuple[str, ...]:
    return tuple(text.split(", "))


BACKGROUNDS = (
    Background(
        40,
        _split("Olivia, Amelia, Isla, Ava, Mia, Ivy, Lily, Freya, Florence, Poppy, Grace, "
               "Evie, Sophie, Ellie, Zoë, Jessica, Holly, Megan, Elizabeth, Chloë, Abigail"),
        _split("Oliver, George, Harry, Jack, Noah, Charlie, Jacob, Alfie, Thomas, Oscar, "
               "William, James, Joshua, Leo, Archie, Ethan, Callum, Kieran, Alexander, "
               "Christopher"),
        _split("Smith, Jones, Taylor, Brown, Williams, Wilson, Johnson, Davies, Robinson, "
               "Wright, Thompson, Evans, Walker, White, Roberts, Green, Hall, Wood, Jackson, "
               "Clarke, Hughes, Turner, Hill, Moore, Cooper, Ward, Bennett, Harrison, Marsh"),
    ),
    Background(
        4,
        _split("Aoife, Siobhán, Niamh, Saoirse, Róisín, Caoimhe, Orla"),
        _split("Seán, Ciarán, Oisín, Cian, Pádraig, Darragh, Eoin"),
        _split("Ó Súilleabháin|Ní Shúilleabháin, Murphy, Kelly, O'Connor, Byrne, Doyle, "
               "Gallagher, Ó Briain|Ní Bhriain"),
    ),
    Background(
        3,
        _split("Cerys, Seren, Carys, Ffion, Gwenllian, Mali"),
        _split("Rhys, Dafydd, Llŷr, Osian, Gethin, Iwan"),
        _split("Llywelyn, Rees, Prosser, Price, Bowen, Pritchard"),
    ),
    Background(
        5,
        _split("Zofia, Małgorzata, Agnieszka, Katarzyna, Zuzanna, Aleksandra, Wiktoria"),
        _split("Łukasz, Paweł, Wojciech, Jakub, Mikołaj, Szymon, Bartłomiej"),
        _split("Kowalski|Kowalska, Nowak, Wiśniewski|Wiśniewska, Wójcik, "
               "Kamiński|Kamińska, Lewandowski|Lewandowska, Zieliński|Zielińska, "
               "Dąbrowski|Dąbrowska"),
    ),
    Background(
        3,
        _split("Ioana, Andreea, Bianca, Ștefania, Alexandra"),
        _split("Ștefan, Mihai, Andrei, Ionuț, Răzvan"),
        _split("Popescu, Ionescu, Constantinescu, Dumitrescu, Stănescu, Munteanu"),
    ),
    Background(
        1.5,
        _split("Austėja, Gabija, Emilija"),
        _split("Lukas, Matas, Jonas"),
        _split("Kazlauskas|Kazlauskaitė, Jankauskas|Jankauskaitė, Petrauskas|Petrauskaitė"),
    ),
    Background(
        2,
        _split("Anastasia, Daria, Sofiya, Polina"),
        _split("Dmitri, Artem, Maksym, Mikhail"),
        _split("Ivanov|Ivanova, Petrenko, Shevchenko, Kuznetsov|Kuznetsova, Bondarenko"),
    ),
    Background(
        3,
        _split("Elif, Zeynep, Ayşe, Çağla, Şeyma, Rojin, Shilan"),
        _split("Emre, Yusuf, Gökhan, Mehmet, Barış, Rebin, Serhat"),
        _split("Şahin, Yılmaz, Öztürk, Çelik, Demir, Aydın, Koç"),
    ),
    Background(
        2,
        _split("Linh, Thảo, Ngọc, Huyền, My"),
        _split("Minh, Quân, Đức, Huy, Khoa"),
        _split("Nguyễn, Trần, Lê, Phạm, Hoàng, Võ, Đặng"),
    ),
    Background(
        1,
        _split("Guðrún, Sóley, Ingrid, Åsa, Freyja"),
        _split("Björn, Søren, Magnús, Ólafur, Jørgen"),
        _split("Ólafsson|Ólafsdóttir, Guðmundsson|Guðmundsdóttir, Jørgensen, Lindqvist, "
               "Bjørnstad"),
    ),
    Background(
        3,
        _split("María, Lucía, Inês, Sofía, Valentina, Beatriz"),
        _split("José, Mateo, João, Gonçalo, Santiago, Iñaki"),
        _split("García, Muñoz, Ibáñez, Peña, Gonçalves, Conceição, Fernández, Álvarez"),
    ),
    Background(
        1.5,
        _split("Élodie, Amélie, Chloé, Léa, Anaïs, Maëlle"),
        _split("Loïc, Noël, Théo, Mathéo, Rémi, Jérôme"),
        _split("Lefèvre, Dubois, Moreau, Lemaître, Girard, Benoît"),
    ),
    Background(
        1.5,
        _split("Lena, Jana, Zsófia, Kateřina, Anežka, Emőke"),
        _split("Jonas, Tomáš, Bálint, Lukáš, Matyáš, Levente"),
        _split("Müller, Schäfer, Dvořák, Horváth, Novotný|Novotná, Nagy, Kovács"),
    ),
    Background(
        1.5,
        _split("Eleni, Dimitra, Elira, Ardita"),
        _split("Dimitris, Giorgos, Ardit, Erion"),
        _split("Papadopoulos|Papadopoulou, Georgiou, Hoxha, Berisha, Krasniqi"),
    ),
    Background(
        9,
        _split("Aisha, Zainab, Maryam, Fatima, Priya, Ananya, Harpreet, Simran, Nusrat, "
               "Tahmina, Anjali"),
        _split("Muhammad, Ayaan, Ibrahim, Arjun, Rohan, Harjit, Gurpreet, Rayhan, Imran, "
               "Zayn, Vikram"),
        _split("Khan, Patel, Hussain, Singh|Kaur, Sharma, Chowdhury, Rahman, Iqbal, Ahmed, "
               "Mahmood, Mistry, Gill, Sandhu, Akhtar"),
    ),
    Background(
        4,
        _split("Adaeze, Chiamaka, Oluwaseun, Folasade, Akosua, Abena, Ifeoluwa"),
        _split("Chidi, Chukwuemeka, Oluwaseun, Adebayo, Kwame, Kofi, Tunde"),
        _split("Okonkwo, Ogunleye, Adeyemi, Chukwu, Mensah, Asante, Boateng, Okafor, Eze"),
    ),
    Background(
        2,
        _split("Hodan, Fadumo, Senait, Hiwet, Nasra, Ayaan"),
        _split("Abdirahman, Mohamed, Yonas, Abdullahi, Tesfay, Hamza"),
        _split("Farah, Warsame, Abdi, Mohamed, Tesfaye, Haile, Gebremedhin, Osman"),
    ),
    Background(
        3,
        _split("Shanice, Aaliyah, Kezia, Jada, Tiana"),
        _split("Marcus, Jaden, Tyrese, Dwayne, Kai"),
        _split("Campbell, Brown, Clarke, Francis, Thompson, Grant, Reid, Bailey"),
    ),
    Background(
        2,
        _split("Xinyi, Yuxuan, Mei, Jiayi, Wing"),
        _split("Zhiwei, Jiahao, Hao, Junjie, Ka-ho"),
        _split("Zhang, Wang, Li, Chen, Liu, Wong, Chan, Lam"),
    ),
    Background(
        3,
        _split("Layla, Noor, Yasmin, Mariam, Hiba, Zahra"),
        _split("Omar, Ali, Karim, Hassan, Yousef, Ahmad"),
        _split("Al-Sayed, Haddad, Nasser, Rahimi, Ahmadi, Karimi, Hamdan, Saleh"),
    ),
    Background(
        1,
        _split("Angelica, Jasmine, Bea"),
        _split("Jericho, Miguel, Paolo"),
        _split("Santos, Reyes, dela Cruz, Bautista"),
    ),
)
BACKGROUND_WEIGHTS = tuple(b.weight for b in BACKGROUNDS)

#: Names a pupil may go by; the MIS keeps the legal name as well.
PREFERRED = MappingProxyType({
    "Aleksandra": "Ola", "Małgorzata": "Gosia", "Katarzyna": "Kasia", "Wojciech": "Wojtek",
    "Bartłomiej": "Bartek", "Anastasia": "Nastya", "Dmitri": "Dima", "Mikhail": "Misha",
    "Chukwuemeka": "Emeka", "Oluwaseun": "Seun", "Ifeoluwa": "Ife", "Folasade": "Sade",
    "Chiamaka": "Amaka", "Abdirahman": "Abdi", "Abdullahi": "Abdi", "Muhammad": "Mo",
    "Mohamed": "Mo", "Zsófia": "Zsófi", "Gwenllian": "Gwen", "Xinyi": "Cindy",
    "Zhiwei": "William", "Jiahao": "Jack", "Yuxuan": "Grace", "Jiayi": "Joy",
    "Santiago": "Santi", "Alexandra": "Alex", "Alexander": "Alex", "William": "Will",
    "Thomas": "Tom", "James": "Jamie", "Jessica": "Jess", "Florence": "Flo",
    "Joshua": "Josh", "Elizabeth": "Libby", "Christopher": "Chris", "Abigail": "Abi",
})

STAFF_SURNAMES = _split(
    "Okafor, Novak, Hughes, Brennan, Fontaine, Chowdhury, McAllister, Sandhu, Kowalczyk, "
    "Ogunbiyi, Papadakis, Lindqvist, Mensah, Harrington, Iqbal, Duarte, Fitzgerald, "
    "Nakamura, Osei, Pemberton, Rahman, Sorensen, Tran, Underwood, Varga, Walsh, Yildiz, "
    "Zielinski, Abbott, Baptiste, Castillo, Dunmore, Ellison, Farrow"
)
STAFF_TITLES = ("Mr", "Ms", "Mrs", "Miss", "Dr")

#: Local authority numbers as used in UPNs; most pupils come from the home authority.
HOME_LA = "886"
OTHER_LAS = ("202", "204", "208", "210", "330", "336", "352", "373", "383", "856", "926")
FORM_LETTERS = "EHKLNRSW"
