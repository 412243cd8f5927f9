"""The demo school's wording: the kinds of concern with templates for each field, and
the addenda, decisions, actions, events and outcomes that follow them. All made up, for
the demo vault (services/demo.py)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from cerecorder.domain.model import ActionKind, EventKind, TriageDecision, Urgency


@dataclass(frozen=True)
class Scenario:
    """One kind of concern: templates for each field, filled per concern."""

    theme: str  # "general", "cce" or "cse"
    codes: tuple[str, ...]
    facts: tuple[str, ...]
    words: tuple[str, ...]
    opinions: tuple[str, ...]
    urgency: tuple[int, int, int, int]  # weights for low, medium, high, immediate
    other: str = ""
    locations: tuple[str, ...] = ()
    #: it happened out of school the evening before and was reported next morning
    evening: bool = False
    #: the kinds of concern (KCSIE Part one) it is recorded under; none: by its theme
    categories: tuple[str, ...] = ()

    @property
    def kinds(self) -> tuple[str, ...]:
        return self.categories or {"cce": ("CAT-CCE",), "cse": ("CAT-CSE",)}.get(
            self.theme, ("CAT-OTHER",))


SCENARIOS = (
    Scenario(
        "general", ("VULN-14", "VULN-10"),
        ("{name} asked the canteen staff for extra toast at break and said {he} had not "
         "eaten since school lunch yesterday. {His} uniform has looked unwashed most of this "
         "week.",
         "{name} was found taking leftover food from the canteen trays after lunch. When I "
         "asked if {he} was hungry {he} nodded and looked embarrassed.",
         "{name} has come to breakfast club without a coat three days running in the cold; "
         "{he} said {his} coat is at {his} dad's and {he} has not been there for a while."),
        ("There wasn't anything in.", "Mum's on nights so I just sort myself out.",
         "I'm not hungry, I'm fine."),
        ("I think {name} may not be getting enough to eat at home.",
         "This could be a one-off, but it fits with what {his} tutor has noticed about "
         "{his} hygiene."),
        (4, 5, 1, 0), other="Possible neglect: hunger and hygiene",
        locations=("Canteen", "Breakfast club", "Form room {reg}"),
        categories=("CAT-NEGLECT",),
    ),
    Scenario(
        "general", ("SHARED-03", "KTS-EMO-01"),
        ("{name} was tearful in {subject} and left the lesson without asking. I found {him} "
         "sitting on the floor of the {toilets} and {he} would not come out for ten minutes.",
         "{name} has been very quiet this week, sitting alone at break and not eating lunch. "
         "Today {he} kept {his} head on the desk for most of {subject}.",
         "{name} snapped at {friend} over nothing in {subject} and then burst into tears. "
         "{He} said {he} has not been sleeping."),
        ("Everything's just rubbish at the moment.", "I don't want to talk about it.",
         "I'm just tired, I don't sleep."),
        ("This is not like {name}; {he} is usually chatty and settled.",
         "I think something is worrying {him} at home or online."),
        (3, 6, 2, 0), locations=("{Subject} lesson", "{Toilets}", "Form room {reg}"),
        categories=("CAT-MENTAL-HEALTH",),
    ),
    Scenario(
        "general", ("KTS-HEALTH-03", "SHARED-03"),
        ("When {name} pushed up {his} sleeves in {subject} I saw several fresh cuts on {his} "
         "left forearm. {He} pulled the sleeves down quickly when {he} saw me looking.",
         "{friend} came to me at lunch, worried that {name} has been hurting {him}self and "
         "has talked about not wanting to be here any more."),
        ("It was the cat.", "Please don't ring my mum.", "It helps, that's all."),
        ("I am worried about {his} safety tonight and wanted the DSL to know straight away.",
         "I don't think {he} is safe to go home without someone knowing about this."),
        (0, 3, 6, 2), locations=("{Subject} lesson", "Playground", "Pastoral office"),
        categories=("CAT-MENTAL-HEALTH",),
    ),
    Scenario(
        "general", ("SHARED-06", "KTS-EMO-06", "VULN-08"),
        ("{name} has missed {sessions} sessions in the last two weeks. Calls home have gone "
         "unanswered and {he} came back today with no note and no explanation.",
         "{name} registered this morning but was not in period 2 or 3. {He} was seen leaving "
         "through the back gate at about {time}."),
        ("I just didn't feel like coming.", "I was looking after my little brother.",
         "Nobody cares if I'm here anyway."),
        ("The pattern of absence is getting worse and nobody at home seems to know where "
         "{he} goes.",),
        (4, 5, 1, 0), locations=("Attendance office", "Form room {reg}", "Back gate"),
        categories=("CAT-NEGLECT",),
    ),
    Scenario(
        "general", ("KTS-HEALTH-02",),
        ("{name} has a bruise about the size of a fist on {his} upper arm, seen when "
         "changing for PE. {He} said {he} fell off {his} bike.",
         "{name} came in with a swollen lip and a scratch under {his} eye. {He} gave two "
         "different accounts of how it happened."),
        ("I fell off my bike.", "It was just messing about with my cousin.",
         "I don't remember."),
        ("The explanation does not fit the injury, in my view.",
         "Probably an accident, but {he} was evasive."),
        (1, 5, 3, 1), locations=("PE changing rooms", "Form room {reg}", "{Subject} lesson"),
        categories=("CAT-PHYSICAL",),
    ),
    Scenario(
        "general", ("VULN-10",),
        ("Operation Encompass notification from police: a domestic incident at {name}'s "
         "home address last night; {name} was in the house at the time.",
         "{name} told me the police came to the house at the weekend because {his} mum's "
         "partner was 'kicking off' again and {he} hid upstairs with {his} sister."),
        ("It happens all the time, it's fine.", "I don't want to go home tonight."),
        ("{name} looked exhausted and was very quiet all morning.",),
        (1, 5, 4, 0), other="Domestic abuse at home", evening=True,
        locations=("School office (phone call)", "Form room {reg}"),
        categories=("CAT-DOMESTIC",),
    ),
    Scenario(
        "general", ("SHARED-04", "KTS-HEALTH-01"),
        ("Strong smell of cannabis on {name} after lunch; {his} eyes were red and {he} was "
         "giggling and unable to focus in {subject}.",
         "{name} arrived late smelling of alcohol and was unsteady on the stairs. {He} said "
         "{he} had 'one drink' at a friend's house before school."),
        ("It's only weed, everyone does it.", "I had one drink, that's all."),
        ("I am concerned about where {he} is getting it from.",),
        (2, 6, 2, 0), locations=("{Subject} lesson", "Main entrance", "Year {year} corridor"),
        categories=("CAT-OTHER",),
    ),
    Scenario(
        "general", (),
        ("{name} told me that a group of older pupils have been taking {his} lunch money on "
         "the way to school and pushed {him} into a hedge on {weekday}.",
         "{name} said other pupils have been posting unkind comments about {him} in a group "
         "chat and {he} no longer wants to come to school."),
        ("Please don't say it was me who told you.", "They'll only make it worse."),
        ("This is bullying and needs following up by the Head of Year.",),
        (4, 5, 1, 0), other="Bullying by other pupils",
        locations=("Playground", "Form room {reg}", "Online (reported by a pupil)"),
        categories=("CAT-BULLYING", "CAT-CHILD-ON-CHILD"),
    ),
    Scenario(
        "general", ("KTS-EMO-07", "SHARED-03"),
        ("{name}'s work in {subject} has dropped sharply this half-term: homework not "
         "handed in and {he} fell asleep twice in lessons. This is very unlike {him}.",),
        ("I've got stuff going on.", "I'm just tired."),
        ("Something has changed for {name} recently.",),
        (6, 4, 0, 0), locations=("{Subject} lesson",),
        categories=("CAT-MENTAL-HEALTH",),
    ),
    Scenario(
        "general", ("KTS-FAMILY-02", "KTS-FAMILY-01", "KTS-FAMILY-03"),
        ("{Carer} phoned: {name} has become hostile and aggressive at home, is staying out "
         "late and has stopped speaking to the family. {Carer} is worried about who {he} is "
         "spending time with.",),
        (),
        ("The change at home matches what staff have seen in school.",),
        (2, 6, 2, 0), locations=("School office (phone call)",),
        categories=("CAT-EMOTIONAL",),
    ),
    Scenario(
        "cce", ("SHARED-01", "KTS-IDENTITY-01", "KTS-IDENTITY-04"),
        ("{name} came in wearing new designer trainers and carrying {item}. When asked where "
         "they came from, {he} said {his} cousin bought them.",
         "{name} was showing other pupils {item} at break and saying {he} 'earns more than "
         "the teachers'.",
         "{name} has had an expensive haircut and is wearing new designer clothes every "
         "day; {carer} told the office the family cannot afford them."),
        ("My cousin got them for me.", "I've got a job, innit.", "It's none of your business."),
        ("I am worried these are gifts from someone who expects something back.",
         "Possible sign of criminal exploitation given other recent concerns."),
        (2, 6, 2, 0), locations=("Playground", "Form room {reg}", "Canteen"),
    ),
    Scenario(
        "cce", ("KTS-IDENTITY-02", "KTS-FAMILY-12", "KTS-EMO-02"),
        ("{name}'s phone kept vibrating through {subject}. When I asked {him} to hand it in "
         "{he} produced a second, older phone from {his} blazer and became very anxious about "
         "it being taken.",
         "{friend} told me {name} has 'two phones, one for work'. I saw {him} texting on a "
         "cheap handset at the bus stop at {time}."),
        ("That one's not mine, I'm holding it for someone.", "I need it, I'll get in trouble.",
         "Just give it back, please."),
        ("The second phone and the anxiety about it worry me.",),
        (1, 5, 3, 1), locations=("{Subject} lesson", "Bus stop outside school"),
    ),
    Scenario(
        "cce", ("KTS-FAMILY-09", "KTS-FAMILY-05", "SHARED-02"),
        ("At {time} I saw {name} get into {vehicle} at the end of the school drive. The "
         "driver was {adult}; {name} did not seem to know them well.",
         "{name} was picked up from the bus stop outside school by {vehicle} again today. "
         "This is the third time I have seen it this week."),
        ("He's just a mate who gives me lifts.", "It's my cousin's friend."),
        ("I do not think this is a family member.",),
        (1, 5, 3, 1), locations=("End of the school drive", "Bus stop outside school",
                                 "Main gate"),
    ),
    Scenario(
        "cce", ("SHARED-05", "KTS-FAMILY-04"),
        ("{Carer} rang the office at 08:40: {name} did not come home last night and came "
         "back at about 6am. {He} refused to say where {he} had been.",
         "{name} told {his} form tutor {he} had been 'out till 3' and was exhausted. {Carer} "
         "says {he} has been coming home late most nights."),
        ("I was at a mate's.", "I can look after myself."),
        ("{name} was grey and exhausted in lessons.",),
        (1, 5, 3, 1), evening=True, locations=("School office (phone call)", "Form room {reg}"),
    ),
    Scenario(
        "cce", ("CCE-02", "KTS-FAMILY-07", "SHARED-05"),
        ("{friend} told me {name} spent the weekend in {town}, where {he} has no family or "
         "friends, 'doing a job for someone'. {name} was absent on Monday.",
         "{name} was brought back to school by police after being found at the railway "
         "station in {town}, more than 60 miles away, during the school day."),
        ("I was just visiting someone.", "I can't say, they'll know it was me.",
         "I don't even know where I was."),
        ("This looks like county lines activity to me.",
         "I believe {name} is being used to move drugs or money."),
        (0, 2, 6, 2), evening=True, locations=("Off site: {town}", "School office (phone call)"),
    ),
    Scenario(
        "cce", ("SHARED-01", "CCE-02"),
        ("While looking for a missing calculator, {name}'s bag was searched with {his} "
         "agreement and a roll of cash (about £{amount}) was found in the inside pocket.",),
        ("It's my birthday money.", "I'm looking after it for someone."),
        ("Far more cash than a child of {his} age would normally carry.",),
        (0, 5, 4, 1), locations=("{Subject} lesson", "Pastoral office"),
    ),
    Scenario(
        "cce", ("KTS-IDENTITY-03",),
        ("{name} dropped a set of keys on a fob from a budget hotel in {town}. {He} snatched "
         "them back and said they were 'nothing'.",),
        ("They're nothing, they're my mate's.",),
        ("Unexplained keys to premises away from home.",),
        (1, 5, 3, 1), locations=("Year {year} corridor", "Canteen"),
    ),
    Scenario(
        "cce", ("CCE-04", "KTS-FAMILY-03"),
        ("Two Year {younger} pupils reported that {name} threatened them near the {place}, "
         "saying 'people will come for you' if they spoke to staff.",),
        ("I never said that.", "They're lying."),
        ("{name} may be being used to frighten younger pupils.",),
        (1, 5, 3, 1), locations=("Off site: the {place}", "Playground"),
    ),
    Scenario(
        "cce", ("CCE-03", "KTS-EMO-05", "SHARED-02"),
        ("The local PCSO called in: {name} was stopped at the {place} on {weekday} evening "
         "with two older youths after a shoplifting report. No arrest was made.",),
        (),
        ("The older youths are known to police, according to the PCSO.",),
        (1, 5, 3, 0), evening=True, locations=("Off site: the {place}",),
    ),
    Scenario(
        "cce", ("KTS-FAMILY-13", "CCE-02"),
        ("Two Year {younger} pupils said {name} offered them £50 each to 'drop off a parcel' "
         "after school and told them to keep it quiet.",),
        ("It was a joke.", "I didn't offer anyone anything."),
        ("{name} may now be recruiting others.",),
        (0, 3, 6, 1), locations=("Playground", "Bus stop outside school"),
    ),
    Scenario(
        "cce", ("KTS-HEALTH-02", "SHARED-03"),
        ("{name} came in with a bandaged hand and a cut above {his} eye. {He} would not say "
         "how it happened and kept checking {his} phone.",),
        ("I fell over.", "Leave it, it's sorted."),
        ("I think {name} is frightened of someone.",),
        (1, 5, 3, 1), locations=("Form room {reg}", "Reception"),
    ),
    Scenario(
        "cce", ("CCE-02", "SHARED-03", "KTS-FAMILY-05"),
        ("{name} told me {he} 'owes' someone £{amount} because a package {he} was carrying "
         "was taken from {him}, and that {he} cannot go home because 'they know where I "
         "live'.",),
        ("They know where I live.", "If I don't pay it back they'll hurt my mum."),
        ("This sounds like debt bondage; I believe {name} is at risk of harm now.",),
        (0, 0, 4, 6), locations=("Pastoral office", "{Subject} lesson"),
    ),
    Scenario(
        "cce", ("SHARED-02", "KTS-FAMILY-05"),
        ("A folding knife was found in {name}'s coat pocket during a search at the start of "
         "the day. {He} said {he} needs it 'for protection' on the way home.",),
        ("I need it, people are after me.", "Everyone carries one."),
        ("{name} feels unsafe on the way home.",),
        (0, 1, 5, 4), other="Weapon carrying",
        locations=("Main entrance", "Pastoral office"),
    ),
    Scenario(
        "cce", ("CCE-01", "SHARED-05"),
        ("{friend} said {name} has been 'working at a house' where there are plants under "
         "lights, and that {he} sleeps there some nights.",),
        ("It's just a cleaning job.",),
        ("This may be a cannabis grow house.",),
        (0, 2, 6, 2), locations=("Off site (reported by a pupil)",),
    ),
    Scenario(
        "cse", ("CSE-01", "KTS-FAMILY-06", "KTS-FAMILY-05"),
        ("{name} told {his} friends {he} is seeing someone aged {older} who drives {vehicle} "
         "and collects {him} from the bus stop.",
         "I overheard {name} on the phone arranging to be picked up by '{nickname}', who "
         "{he} later said is 'about {older}'."),
        ("They're my boyfriend, they treat me properly.", "Age is just a number.",
         "You don't know them."),
        ("A relationship with an adult of that age is a serious concern.",),
        (0, 3, 6, 1), locations=("Bus stop outside school", "Form room {reg}"),
    ),
    Scenario(
        "cse", ("CSE-06", "SHARED-01", "KTS-IDENTITY-01"),
        ("{name} has new nails, a new phone and expensive perfume. {He} said a 'friend' in "
         "their twenties pays for things and {he} does not have to pay anything back 'yet'.",),
        ("They just like treating me.", "I don't have to pay them back."),
        ("This looks like grooming through gifts.",),
        (1, 5, 3, 1), locations=("Form room {reg}", "Canteen"),
    ),
    Scenario(
        "cse", ("CSE-05", "SHARED-04", "KTS-FAMILY-05"),
        ("{friend} told me {name} has been going to parties at a flat above a shop on the "
         "high street, where there are adults, alcohol and 'free stuff'.",),
        ("It's just a party, everyone goes.",),
        ("Adults supplying alcohol to children at a private flat.",),
        (0, 3, 6, 1), evening=True, locations=("Off site (reported by a pupil)",),
    ),
    Scenario(
        "cse", ("CSE-08", "KTS-EMO-02", "CSE-05"),
        ("{name} showed me messages from an account called '{handle}' asking for photos of "
         "{him} and saying they would share the last one if {he} did not send more.",
         "{friend} told me that someone {name} met online is pressuring {him} to send "
         "pictures and to meet up in {town}."),
        ("I didn't know what to do.", "Please don't tell my dad."),
        ("This is sextortion or online grooming and needs acting on today.",),
        (0, 1, 5, 4), locations=("Online (reported by the pupil)",
                                 "Online (reported by a pupil)"),
    ),
    Scenario(
        "cse", ("CSE-07",),
        ("A Year {year} pupil reported that an indecent image said to be of {name} is being "
         "shared on a group chat. I did not view or copy it.",),
        (),
        ("{name} will be very distressed if {he} finds out.",),
        (0, 2, 6, 2), locations=("Online (reported by a pupil)",),
    ),
    Scenario(
        "cse", ("CSE-01", "KTS-FAMILY-11"),
        ("The school nurse passed on that {name} asked for sexual health advice and "
         "mentioned a partner aged {older}.",),
        (),
        ("The partner's age is the concern here.",),
        (0, 3, 6, 1), locations=("School nurse's room",),
    ),
    Scenario(
        "cse", ("KTS-EMO-02", "CSE-05", "KTS-FAMILY-10"),
        ("{name} is constantly on {his} phone and hides the screen when staff come near. "
         "{He} told {friend} {he} has an online partner {he} has never met.",),
        ("They get me, unlike anyone here.", "It's private."),
        ("Possible online grooming.",),
        (1, 5, 3, 1), locations=("Library", "{Subject} lesson"),
    ),
    Scenario(
        "cse", ("SHARED-05", "KTS-FAMILY-07", "CSE-05"),
        ("{name} told {friend} {he} stayed overnight in a hotel in {town} with 'some older "
         "friends' and did not tell {carer}.",),
        ("We were just chilling.",),
        ("An overnight stay with unknown adults away from home.",),
        (0, 2, 6, 2), evening=True, locations=("Off site: {town}", "Form room {reg}"),
    ),
)
THEMES = {
    theme: tuple(s for s in SCENARIOS if s.theme == theme) for theme in ("general", "cce", "cse")
}

EXTRA_FACTS = (
    "{He} seemed keen to get away and kept looking at the door.",
    "Other pupils nearby were laughing about it.",
    "{He} was calm and polite throughout.",
    "This happened in front of several other pupils.",
    "I have noticed similar things over the last few weeks but have not recorded them before.",
    "{He} asked whether I would have to tell anyone.",
    "{friend} was with {him} at the time.",
)
GENERIC_WORDS = ("I'm fine, honestly.", "Please don't tell anyone.", "It's not a big deal.")
GENERIC_OPINIONS = (
    "I am worried this links with what has been reported before.",
    "My feeling is that {he} is frightened of someone.",
    "This may be nothing, but I wanted it on record.",
)
ACTIONS_TAKEN = (
    "Listened, did not promise to keep it secret, and told {name} I would pass it to the DSL.",
    "Reassured {name} and walked {him} to the pastoral office.",
    "Recorded straight away and spoke to the DSL in person.",
    "Recorded and emailed the DSL to read this record.",
    "Phoned home; no answer, so left a message asking {carer} to call back.",
    "Kept {name} with me until the DSL arrived.",
    "Took the phone under the behaviour policy and handed it to the DSL unopened.",
    "Nothing further at the time; recording for the DSL.",
)
INFORMED = (
    "DSL (in person)", "DSL by email", "Deputy DSL", "Head of Year {year}",
    "Form tutor ({reg})", "Pastoral lead", "SENCo", "Attendance officer", "School nurse",
)
GENERAL_LOCATIONS = (
    "Form room {reg}", "{Subject} lesson", "Canteen", "Library", "Playground",
    "Year {year} corridor", "Main gate", "Reception",
)
#: not strftime("%A"), which follows the locale (Qt sets it from the desktop)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
SUBJECTS = (
    "maths", "English", "science", "geography", "history", "PE", "art", "French", "RE",
    "computing", "drama", "music", "design and technology", "Spanish",
)
VEHICLES = (
    "a silver hatchback", "a black Audi with tinted windows", "a white van",
    "a grey Mercedes", "a red Ford Fiesta", "a dark blue BMW",
)
ADULTS = (
    "a man in his twenties", "one of two older males", "a woman in her thirties",
    "an older teenager not from this school", "a man with a shaved head in a grey tracksuit",
)
PLACES = (
    "retail park", "bus station", "chicken shop on the high street", "canal towpath",
    "skate park", "Northgate shopping centre",
)
#: fictional places, so no real town is tied to exploitation
TOWNS = (
    "Eastcombe", "Port Ashby", "Marston Vale", "Haverleigh", "Stonebridge", "Kelsey Bay",
    "Wexley", "Brinsford",
)
ITEMS = (
    "a new phone", "an expensive-looking jacket", "designer headphones", "a gold chain",
    "a designer bag", "a new games console",
)
NICKNAMES = ("Jay", "K", "Tee", "Dre", "Bex", "Rocco", "Dee")
HANDLES = ("mk_vibes22", "realboss_07", "lux.babe", "just_me_4u", "trapstar_99")
CARERS = ("Mum", "Dad", "Gran", "Dad's partner", "{his} aunt", "Mum")
LOOKED_AFTER_CARERS = ("{his} foster carer", "staff at {his} children's home")

ADDENDA = (
    "Further information from {name}'s form tutor: {he} has seemed withdrawn all week.",
    "{Carer} rang back: not aware of this and will talk to {name} tonight.",
    "Spoke to {name} again today; {he} gave the same account as before.",
    "Correction: this happened at lunchtime, not at break as recorded.",
    "Correction: the location should read {place}, not the place given above.",
    "Attendance update: {name} was absent again the following morning.",
    "{name} came to see me and said things are better at home now.",
    "Police have viewed CCTV from the {place}; no further detail shared with school.",
    "{friend}, who was there, gave a similar account to the Head of Year.",
)
RATIONALES: Mapping[TriageDecision, tuple[str, ...]] = MappingProxyType({
    TriageDecision.MONITOR: (
        "A single low-level concern with nothing similar recently on the chronology. Form "
        "tutor asked to keep an eye on {name} and record any change.",
        "Consistent with earlier concerns but no new risk identified. Added to the weekly "
        "pastoral review; Head of Year to check in with {name}.",
        "The explanation is plausible, but the pattern is noted ({signs}). Monitor for "
        "further signs of exploitation and review in two weeks.",
    ),
    TriageDecision.NO_FURTHER_ACTION: (
        "Explanation confirmed by {carer} on the phone; no safeguarding concern. Recorded "
        "only.",
        "Dealt with under the behaviour policy; no safeguarding element identified.",
        "Information only: the agencies involved are already aware and have the details.",
    ),
    TriageDecision.EARLY_HELP: (
        "Several low-level concerns this term (attendance, mood, hunger) together meet the "
        "threshold for Early Help. {Carer} agreed to an Early Help assessment.",
        "Family would benefit from support; Early Help assessment offered and accepted.",
    ),
    TriageDecision.REFER_MASH: (
        "Several indicators of possible exploitation ({signs}). Threshold for a MASH "
        "referral met; referral made the same day and {carer} informed, as this does not "
        "increase the risk.",
        "Escalating pattern over recent weeks; risk of significant harm. Referred to MASH "
        "and the exploitation team.",
        "Disclosure of harm. Referral to MASH made straight away; not discussed with the "
        "family before social care advised.",
    ),
    TriageDecision.REFER_POLICE: (
        "Immediate risk of harm: police called on 999 and MASH informed. {name} kept safe "
        "in school until police arrived.",
        "Crime reported to police on 101; MASH informed. Safety plan for the journey home "
        "agreed with {carer}.",
    ),
})
#: decision weights by urgency: refer MASH, refer police, Early Help, monitor, NFA
DECISION_WEIGHTS: Mapping[Urgency, tuple[int, int, int, int, int]] = MappingProxyType({
    Urgency.LOW: (2, 0, 8, 55, 35),
    Urgency.MEDIUM: (10, 1, 14, 55, 20),
    Urgency.HIGH: (32, 6, 14, 43, 5),
    Urgency.IMMEDIATE: (55, 30, 3, 12, 0),
})
DECISIONS = (
    TriageDecision.REFER_MASH, TriageDecision.REFER_POLICE, TriageDecision.EARLY_HELP,
    TriageDecision.MONITOR, TriageDecision.NO_FURTHER_ACTION,
)
URGENCIES = (Urgency.LOW, Urgency.MEDIUM, Urgency.HIGH, Urgency.IMMEDIATE)

#: (kind, detail, possible outcomes) of the actions a decision leads to
FOLLOW_UP: Mapping[TriageDecision, tuple[tuple[ActionKind, str, tuple[str, ...]], ...]] = (
    MappingProxyType({
        TriageDecision.REFER_MASH: (
            (ActionKind.REFERRAL_MASH, "Referral submitted through the MASH portal.", (
                "MASH: referral accepted; allocated to a social worker for assessment.",
                "MASH: strategy discussion held; section 47 enquiry to follow.",
                "MASH: no further action by children's social care; advice given to school "
                "and Early Help offered.",
                "Passed to the exploitation team for a risk assessment.",
            )),
            (ActionKind.PARENTS_INFORMED, "{Carer} told about the referral by phone.", ()),
        ),
        TriageDecision.REFER_POLICE: (
            (ActionKind.POLICE, "Reported to police; incident number kept on the paper file.", (
                "Police attended school and spoke with {name} with {carer} present.",
                "Police intelligence report submitted; no further action by police.",
            )),
            (ActionKind.REFERRAL_CSC, "Children's social care informed the same day.", (
                "Social worker visited the home within 24 hours.",
            )),
        ),
        TriageDecision.EARLY_HELP: (
            (ActionKind.EARLY_HELP, "Early Help assessment opened; Head of Year is lead "
             "professional.", (
                "Early Help plan agreed at a team-around-the-family meeting.",
                "Family withdrew consent; Early Help closed and concerns to be monitored.",
            )),
        ),
        TriageDecision.MONITOR: (
            (ActionKind.MONITORING, "Added to the weekly pastoral review for six weeks.", (
                "Review after six weeks: no further concerns; monitoring ended.",
                "Review after six weeks: concerns continue; monitoring extended.",
            )),
            (ActionKind.PARENTS_INFORMED, "Spoke to {carer} by phone.", ()),
        ),
        TriageDecision.NO_FURTHER_ACTION: (
            (ActionKind.PARENTS_INFORMED, "{Carer} made aware.", ()),
        ),
    })
)
STANDALONE_OUTCOMES = (
    "Concerns reviewed at half-term: the situation has settled for now.",
    "{name} is engaging well with the school mentor.",
    "Managed move discussed with {carer}; {name} stays at this school for now.",
)

#: (kind, summaries, outcomes) of significant events the DSL adds to a chronology
EVENTS: Mapping[EventKind, tuple[tuple[str, ...], tuple[str, ...]]] = MappingProxyType({
    EventKind.MISSING_EPISODE: (
        ("Reported missing by {carer} at {time}; last seen near the {place}.",
         "Did not return home after school; reported missing to police by {carer}."),
        ("Found by police in {town} the next afternoon.",
         "Came home alone at about 3am.", "Found at a friend's address the next morning."),
    ),
    EventKind.RETURN_HOME_INTERVIEW: (
        ("Return-home interview by the independent return-home worker.",),
        ("{name} would not say where {he} had been.",
         "Said {he} stayed with 'friends' in {town}; information shared with the "
         "exploitation team.",
         "Disclosed being given money to carry a bag; passed to police."),
    ),
    EventKind.STRATEGY_MEETING: (
        ("Strategy meeting (police, children's social care, school, health) about the risk "
         "of exploitation.",),
        ("Section 47 enquiry agreed; safety plan includes escorted transport to school.",
         "Agreed to work under a child in need plan; review in six weeks.",
         "Disruption plan agreed by police for the {place}."),
    ),
    EventKind.POLICE_CONTACT: (
        ("Stopped by police at the {place} with older youths and searched.",
         "Arrested in {town} in possession of cash and two phones."),
        ("Released; police intelligence report submitted.",
         "Released under investigation; National Referral Mechanism referral discussed."),
    ),
    EventKind.HEALTH_CONTACT: (
        ("Attended A&E with a cut to the hand; {carer} informed school.",),
        ("Treated and discharged; the hospital made a safeguarding referral.",),
    ),
    EventKind.EXCLUSION: (
        ("Suspended for three days after an assault on another pupil.",),
        ("Reintegration meeting held with {carer}; risk of exploitation during the "
         "suspension noted.",),
    ),
    EventKind.CP_CONFERENCE: (
        ("Initial child protection conference.", "Review child protection conference."),
        ("Child protection plan under the category of neglect.",
         "Plan continues; next review in six months."),
    ),
    EventKind.REFERRAL: (
        ("Referral to the National Referral Mechanism (NRM) made by children's social care.",),
        ("Positive reasonable-grounds decision received.",),
    ),
})
