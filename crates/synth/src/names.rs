//! Curated name tables per culture, each entry with its native script and the Latin
//! spellings agencies actually use, and the rules by which an agency writes a name
//! (native script, official romanisation, phonetic variant, Cyrillic transcription,
//! typos), so one person shows up under different spellings across files.
//!
//! An entry is `native|latin0|latin1|…`: `latin0` is the official or passport
//! romanisation (Serbian/Macedonian official Latin, Bulgarian 2009 streamlined,
//! Greek ELOT 743). For cultures written in Latin script the native form is also the
//! official one and the rest are ASCII or foreign spellings.

use rand::Rng as _;

use crate::util::{Rng, chance, pick_code};

/// A naming culture: which tables a person's names come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Culture {
    Serbian,
    Macedonian,
    Bosnian,
    Albanian,
    Bulgarian,
    Greek,
    Turkish,
    Arabic,
    Persian,
    Urdu,
    Bengali,
    Tigrinya,
}

struct Table {
    latin_native: bool,
    cyrillic: bool,
    male: &'static [&'static str],
    female: &'static [&'static str],
    surnames: &'static [&'static str],
}

#[rustfmt::skip]
const SERBIAN: Table = Table {
    latin_native: false,
    cyrillic: true,
    male: &[
        "Марко|Marko", "Никола|Nikola", "Стефан|Stefan|Stephan", "Милош|Miloš|Milos|Milosh", "Душан|Dušan|Dusan|Dushan",
        "Ђорђе|Đorđe|Djordje|Dorde|Georg", "Немања|Nemanja|Nemanya", "Лазар|Lazar", "Александар|Aleksandar|Alexandar|Aleksander",
        "Зоран|Zoran", "Дејан|Dejan|Deyan", "Горан|Goran", "Жељко|Željko|Zeljko|Zheljko", "Милан|Milan",
        "Небојша|Nebojša|Nebojsa", "Срђан|Srđan|Srdjan|Srdan", "Бранислав|Branislav", "Владимир|Vladimir|Wladimir", "Дарко|Darko",
        "Саша|Saša|Sasa|Sasha",
    ],
    female: &[
        "Јелена|Jelena|Yelena", "Марија|Marija|Maria", "Ана|Ana|Anna", "Милица|Milica|Militsa", "Драгана|Dragana",
        "Снежана|Snežana|Snezana",
    ],
    surnames: &[
        "Ђорђевић|Đorđević|Djordjevic|Dordevic|Djordjević", "Јовановић|Jovanović|Jovanovic|Yovanovich",
        "Петровић|Petrović|Petrovic|Petrovich", "Николић|Nikolić|Nikolic|Nikolich", "Марковић|Marković|Markovic",
        "Стојановић|Stojanović|Stojanovic|Stoyanovic", "Илић|Ilić|Ilic|Ilich", "Станковић|Stanković|Stankovic",
        "Павловић|Pavlović|Pavlovic", "Милошевић|Milošević|Milosevic", "Ђурић|Đurić|Djuric|Duric",
        "Живковић|Živković|Zivkovic|Zhivkovic", "Тодоровић|Todorović|Todorovic", "Радосављевић|Radosavljević|Radosavljevic",
        "Шаркић|Šarkić|Sarkic", "Ћирић|Ćirić|Ciric|Chirich", "Вучковић|Vučković|Vuckovic|Vuchkovic", "Лукић|Lukić|Lukic",
        "Младеновић|Mladenović|Mladenovic", "Костић|Kostić|Kostic",
    ],
};

#[rustfmt::skip]
const MACEDONIAN: Table = Table {
    latin_native: false,
    cyrillic: true,
    male: &[
        "Александар|Aleksandar|Aleksander", "Горан|Goran", "Драган|Dragan", "Игор|Igor", "Бојан|Bojan|Boyan",
        "Ѓорѓи|Gjorgji|Gjorgi|Giorgi|Djordji", "Никола|Nikola", "Стефан|Stefan", "Дејан|Dejan", "Кире|Kire", "Зоран|Zoran",
        "Томе|Tome", "Благоја|Blagoja|Blagoya", "Љупчо|Ljupčo|Ljupco|Lupcho",
    ],
    female: &["Елена|Elena", "Марија|Marija|Maria", "Билјана|Biljana", "Ивана|Ivana"],
    surnames: &[
        "Петровски|Petrovski|Petrovsky", "Николовски|Nikolovski", "Стојановски|Stojanovski|Stoyanovski",
        "Трајковски|Trajkovski|Traikovski", "Јовановски|Jovanovski|Yovanovski",
        "Ѓорѓиевски|Gjorgjievski|Gjorgievski|Djordjievski|Georgievski", "Ристовски|Ristovski", "Костовски|Kostovski",
        "Спасовски|Spasovski", "Димитровски|Dimitrovski", "Велјановски|Veljanovski", "Илиевски|Ilievski",
        "Ќосевски|Kjosevski|Kosevski|Chosevski", "Анѓелковски|Angjelkovski|Angelkovski",
    ],
};

#[rustfmt::skip]
const BOSNIAN: Table = Table {
    latin_native: true,
    cyrillic: false,
    male: &[
        "Emir", "Adnan", "Amir|Ammir", "Edin", "Senad", "Mirza|Mirsa", "Haris", "Nermin", "Almir", "Kenan",
        "Dženan|Dzenan|Djenan", "Elvir", "Jasmin|Yasmin", "Muhamed|Muhammed|Mohamed",
    ],
    female: &["Amra", "Lejla|Leila|Leyla", "Selma", "Aida|Ajda"],
    surnames: &[
        "Hodžić|Hodzic|Hodzhich", "Hadžić|Hadzic|Hadjic", "Mujić|Mujic", "Kovačević|Kovacevic", "Delić|Delic", "Begić|Begic",
        "Husić|Husic", "Mehmedović|Mehmedovic|Mehmedovich", "Salihović|Salihovic", "Hasanović|Hasanovic",
        "Ibrahimović|Ibrahimovic", "Čaušević|Causevic|Chausevic", "Muratović|Muratovic", "Omerović|Omerovic",
    ],
};

#[rustfmt::skip]
const ALBANIAN: Table = Table {
    latin_native: true,
    cyrillic: false,
    male: &[
        "Arben", "Artan", "Besnik", "Dritan", "Ermal", "Fatmir", "Gëzim|Gezim|Gzim", "Ilir", "Kujtim|Kujtimi", "Leutrim", "Agron",
        "Blerim", "Shpëtim|Shpetim|Spetim", "Valon", "Driton", "Ardit", "Florian|Florjan", "Bujar",
    ],
    female: &["Arta", "Blerta", "Drita", "Mimoza|Mimosa", "Vjosa|Vjossa"],
    surnames: &[
        "Hoxha|Hodja|Hoxa|Hodza", "Krasniqi|Krasnici|Krasniqui", "Berisha|Berisa|Berishaj", "Gashi|Gashaj|Gaši",
        "Shehu|Sehu|Shehi", "Morina|Morinaj", "Kelmendi|Kelmendaj", "Bytyçi|Bytyci|Bitici|Bytyqi", "Çela|Cela|Chela|Qela",
        "Dervishi|Dervisi", "Leka|Lekaj", "Meta", "Hysa|Hysaj|Hisa", "Mustafa|Mustafaj", "Zeqiri|Zekiri|Xheqiri",
        "Gjoka|Gjokaj|Djoka",
    ],
};

#[rustfmt::skip]
const BULGARIAN: Table = Table {
    latin_native: false,
    cyrillic: true,
    male: &[
        "Георги|Georgi|Georgy|Gueorgui", "Иван|Ivan", "Димитър|Dimitar|Dimitr|Dimiter", "Николай|Nikolay|Nikolai",
        "Христо|Hristo|Khristo|Christo", "Стоян|Stoyan|Stojan", "Петър|Petar|Peter|Petr", "Йордан|Yordan|Jordan|Iordan",
        "Тодор|Todor", "Красимир|Krasimir", "Васил|Vasil|Vassil", "Асен|Asen|Assen", "Цветан|Tsvetan|Cvetan|Zvetan",
        "Живко|Zhivko|Jivko|Zivko",
    ],
    female: &[
        "Мария|Mariya|Maria|Marija", "Елена|Elena", "Десислава|Desislava", "Иванка|Ivanka",
    ],
    surnames: &[
        "Иванов|Ivanov|Ivanoff", "Георгиев|Georgiev|Gueorguiev|Georgieff", "Димитров|Dimitrov|Dimitroff", "Петров|Petrov",
        "Николов|Nikolov", "Стоянов|Stoyanov|Stojanov|Stoianov", "Христов|Hristov|Khristov|Christov", "Тодоров|Todorov",
        "Атанасов|Atanasov|Atanassov", "Костадинов|Kostadinov", "Ангелов|Angelov", "Щерев|Shterev|Shcherev|Sterev",
        "Цветков|Tsvetkov|Cvetkov|Zvetkov", "Йорданов|Yordanov|Jordanov|Iordanov", "Живков|Zhivkov|Jivkov|Zivkov",
    ],
};

#[rustfmt::skip]
const GREEK: Table = Table {
    latin_native: false,
    cyrillic: false,
    male: &[
        "Γεώργιος|Georgios|Giorgos|Yiorgos|George", "Κωνσταντίνος|Konstantinos|Constantinos|Kostas",
        "Δημήτριος|Dimitrios|Dimitris|Demetrios", "Ιωάννης|Ioannis|Giannis|Yannis|Ioanis", "Νικόλαος|Nikolaos|Nikos|Nicholas",
        "Παναγιώτης|Panagiotis|Panayiotis|Panagiotes", "Χρήστος|Christos|Hristos|Khristos",
        "Βασίλειος|Vasileios|Vasilios|Vassilis", "Αθανάσιος|Athanasios|Thanasis|Athanassios",
        "Ευάγγελος|Evangelos|Vangelis|Evaggelos", "Σπυρίδων|Spyridon|Spiridon|Spyros", "Μιχαήλ|Michail|Michael|Mihail",
    ],
    female: &[
        "Μαρία|Maria", "Ελένη|Eleni|Helen|Elena", "Αικατερίνη|Aikaterini|Ekaterini|Katerina", "Βασιλική|Vasiliki|Vassiliki",
    ],
    surnames: &[
        "Αλεξανδρόπουλος|Alexandropoulos|Aleksandropoulos|Alexandropulos", "Παπαδόπουλος|Papadopoulos|Papadopulos",
        "Παπαδάκης|Papadakis|Papadakes", "Γεωργίου|Georgiou|Georgiu|Yeorgiou", "Νικολάου|Nikolaou|Nicolaou|Nikolau",
        "Οικονόμου|Oikonomou|Ikonomou|Economou", "Καραγιάννης|Karagiannis|Karayannis|Karagianis", "Βλάχος|Vlachos|Vlahos|Vlakhos",
        "Μακρής|Makris|Macris", "Παππάς|Pappas|Papas", "Κωνσταντινίδης|Konstantinidis|Constantinidis",
        "Χατζηδάκης|Chatzidakis|Hatzidakis|Xatzidakis", "Σταυρόπουλος|Stavropoulos|Stavropulos", "Δημητρίου|Dimitriou|Demetriou",
    ],
};

#[rustfmt::skip]
const TURKISH: Table = Table {
    latin_native: true,
    cyrillic: false,
    male: &[
        "Mehmet|Mehmed", "Mustafa|Moustafa", "Ahmet|Ahmed", "Hüseyin|Huseyin|Husein|Hussein", "İbrahim|Ibrahim", "Hasan|Hassan",
        "Murat|Murad", "Emre", "Serkan", "Yusuf|Jusuf", "Ömer|Omer|Oemer", "Cem|Djem", "Burak", "Kemal|Kamal",
        "Şükrü|Sukru|Schukru", "Oğuz|Oguz", "Selim", "Recep|Redzep",
    ],
    female: &["Ayşe|Ayse|Aische", "Fatma|Fatime", "Elif", "Zeynep|Zeinep"],
    surnames: &[
        "Yılmaz|Yilmaz|Jilmaz", "Kaya", "Demir", "Şahin|Sahin|Schahin", "Çelik|Celik|Chelik", "Yıldız|Yildiz",
        "Öztürk|Ozturk|Oeztuerk", "Aydın|Aydin", "Arslan|Aslan", "Doğan|Dogan", "Kılıç|Kilic|Kilich", "Koç|Koc|Kotch", "Kurt",
        "Özdemir|Ozdemir|Oezdemir", "Aksoy|Aksoi", "Polat|Pollat",
    ],
};

#[rustfmt::skip]
const ARABIC: Table = Table {
    latin_native: false,
    cyrillic: false,
    male: &[
        "محمد|Mohammed|Muhammad|Mohamed|Muhamed|Mohammad", "أحمد|Ahmad|Ahmed|Achmed", "علي|Ali|Aly", "حسن|Hassan|Hasan",
        "حسين|Hussein|Hussain|Husein", "عمر|Omar|Umar|Omer", "خالد|Khaled|Khalid|Haled|Chaled",
        "يوسف|Youssef|Yousef|Yusuf|Youcef", "إبراهيم|Ibrahim|Ebrahim|Ibraheem", "محمود|Mahmoud|Mahmud|Mahmood",
        "مصطفى|Mustafa|Moustafa|Mostafa", "عبدالله|Abdullah|Abdallah|Abdulla", "سامي|Sami|Samy", "كريم|Karim|Kareem|Karem",
        "طارق|Tariq|Tarek|Tarik", "سعيد|Said|Saeed|Sayed", "ياسين|Yassin|Yasin|Yaseen|Yacine", "بلال|Bilal|Belal",
        "حمزة|Hamza|Hamzah|Hamze", "رامي|Rami|Ramy", "فراس|Firas|Feras", "ماهر|Maher|Mahir", "نبيل|Nabil|Nabeel",
        "وليد|Walid|Waleed|Oualid", "زياد|Ziad|Ziyad|Zyad", "جمال|Jamal|Gamal|Djamal", "صالح|Saleh|Salih", "أنس|Anas|Enes",
        "عماد|Imad|Emad", "هيثم|Haitham|Haytham|Heitham",
    ],
    female: &[
        "فاطمة|Fatima|Fatma|Fatimah", "مريم|Maryam|Mariam|Meryem", "عائشة|Aisha|Aicha|Ayesha", "زينب|Zainab|Zaynab|Zeinab",
        "نور|Nour|Noor|Nur", "هبة|Heba|Hiba", "رنا|Rana", "سارة|Sara|Sarah|Sarra",
    ],
    surnames: &[
        "الحسن|Al-Hassan|Alhassan|El Hassan|Hassan", "الأحمد|Al-Ahmad|Alahmad|Al Ahmed|Ahmad", "العلي|Al-Ali|Alali|El Ali",
        "الخطيب|Al-Khatib|Alkhatib|El Khatib|Khatib", "الشامي|Al-Shami|Alshami|El Chami|Shami",
        "المصري|Al-Masri|Almasri|El Masry|Masri", "الحلبي|Al-Halabi|Alhalabi|Halabi", "النجار|Al-Najjar|Alnajar|El Naggar|Najjar",
        "الحداد|Al-Haddad|Alhaddad|Haddad", "الجبوري|Al-Jubouri|Aljuburi|Al Jboori|Jubouri", "التميمي|Al-Tamimi|Altamimi|Tamimi",
        "الدليمي|Al-Dulaimi|Aldulaimi|Al Dleimi", "الكردي|Al-Kurdi|Alkurdi|Kurdi", "السيد|El-Sayed|Elsayed|Al Sayed|Sayed",
        "عبد الرحمن|Abdelrahman|Abdulrahman|Abd El Rahman", "بن علي|Ben Ali|Benali|Bin Ali", "العمراني|El Amrani|Amrani|Elamrani",
        "بنعيسى|Benaissa|Ben Aissa|Bin Issa", "الإدريسي|El Idrissi|Idrissi|Al-Idrisi", "حمدان|Hamdan|Hamdane",
        "درويش|Darwish|Derwich|Darwich", "حسين|Hussein|Husain|Hussain",
    ],
};

#[rustfmt::skip]
const PERSIAN: Table = Table {
    latin_native: false,
    cyrillic: false,
    male: &[
        "محمد|Mohammad|Mohammed|Muhammad|Mohamad", "احمد|Ahmad|Ahmed|Achmad", "علی|Ali|Aly", "رضا|Reza|Resa|Riza",
        "حسین|Hossein|Hussain|Husein|Hosein", "مهدی|Mehdi|Mahdi|Mehdy", "عبدالله|Abdullah|Abdollah|Abdulla",
        "نجیب|Najib|Najeeb|Nadjib", "فرهاد|Farhad|Farhaad", "جاوید|Javid|Jawid|Javed", "شریف|Sharif|Sherif|Charif",
        "رحیم|Rahim|Raheem", "ذبیح‌الله|Zabihullah|Zabiullah|Zabihollah", "نصرالله|Nasrullah|Nasrollah|Nasrulla",
        "امید|Omid|Umid|Omeed", "مسعود|Masoud|Masood|Massoud|Masud", "حامد|Hamed|Hamid", "سهراب|Sohrab|Suhrab",
        "بصیر|Basir|Baseer|Bassir", "ولی|Wali|Vali|Walli",
    ],
    female: &[
        "زهرا|Zahra|Sahra|Zehra", "مریم|Maryam|Mariam", "فاطمه|Fatemeh|Fatima|Fatema", "شبنم|Shabnam|Schabnam",
        "پروین|Parvin|Parween|Parwin",
    ],
    surnames: &[
        "احمدی|Ahmadi|Ahmady|Achmadi", "محمدی|Mohammadi|Mohamadi|Muhammadi", "حیدری|Haidari|Heydari|Haydari|Hajdari",
        "رحیمی|Rahimi|Raheemi|Rahimy", "کریمی|Karimi|Kareemi|Karimy", "حسینی|Hosseini|Husseini|Hussaini", "نوری|Noori|Nouri|Nuri",
        "صدیقی|Siddiqi|Sediqi|Siddiqui", "اکبری|Akbari|Akbary", "جعفری|Jafari|Jaafari|Djafari", "رسولی|Rasouli|Rasuli|Rasooly",
        "نظری|Nazari|Nazary|Nasari", "عزیزی|Azizi|Azizy|Asisi", "قاسمی|Ghasemi|Qasemi|Kasemi|Ghassemi",
        "یوسفی|Yousefi|Yusufi|Jusufi", "وردک|Wardak|Vardak|Wardag", "پوپلزی|Popalzai|Popalzay|Popalsai",
        "امیری|Amiri|Amiry|Emiri",
    ],
};

#[rustfmt::skip]
const URDU: Table = Table {
    latin_native: false,
    cyrillic: false,
    male: &[
        "محمد|Muhammad|Mohammad|Mohammed|Muhammed", "عمران|Imran|Emran|Imraan", "عثمان|Usman|Osman|Uthman", "بلال|Bilal|Belal",
        "فیصل|Faisal|Faysal|Feisal", "آصف|Asif|Aasif|Assif", "شاہد|Shahid|Shahed|Schahid", "ندیم|Nadeem|Nadim|Nedim",
        "وقاص|Waqas|Wakas|Waqqas", "زبیر|Zubair|Zubayr|Zubeir", "عرفان|Irfan|Erfan|Irfaan", "کامران|Kamran|Kamraan",
        "طاہر|Tahir|Taher|Tahir", "سلمان|Salman|Salmaan|Selman",
    ],
    female: &["عائشہ|Ayesha|Aisha|Aysha", "صائمہ|Saima|Sayma", "نازیہ|Nazia|Naziya"],
    surnames: &[
        "خان|Khan|Kahn|Chan", "بٹ|Butt|Bhatt|Bat", "چوہدری|Chaudhry|Chaudhary|Choudhry|Chaudri", "ملک|Malik|Mallick|Malick",
        "قریشی|Qureshi|Kureshi|Quraishi", "راجپوت|Rajput|Rajpoot", "اعوان|Awan|Awaan", "شیخ|Sheikh|Shaikh|Shaykh", "جٹ|Jatt|Jat",
        "مرزا|Mirza|Mirsa", "حسین|Hussain|Hussein|Husain", "اقبال|Iqbal|Ikbal|Iqbaal",
    ],
};

#[rustfmt::skip]
const BENGALI: Table = Table {
    latin_native: false,
    cyrillic: false,
    male: &[
        "মোহাম্মদ|Mohammad|Mohammed|Muhammad|Md", "রহিম|Rahim|Raheem", "করিম|Karim|Kareem", "আব্দুল|Abdul|Abdel|Abdool",
        "হাসান|Hasan|Hassan", "জাহিদ|Zahid|Jahid|Zahed", "সাইফুল|Saiful|Shaiful", "রফিক|Rafiq|Rafik|Rofiq",
        "মাসুদ|Masud|Masood|Moshud", "শফিক|Shafiq|Shafik|Safiq", "আরিফ|Arif|Areef", "নাসির|Nasir|Naseer|Nassir",
    ],
    female: &["ফাতেমা|Fatema|Fatima", "নাসরিন|Nasrin|Nasreen", "রুমানা|Rumana|Roomana"],
    surnames: &[
        "ইসলাম|Islam|Eslam", "হোসেন|Hossain|Hussain|Hosen|Hossen", "রহমান|Rahman|Rahaman|Rehman", "আহমেদ|Ahmed|Ahmad|Ahmmed",
        "উদ্দিন|Uddin|Udin|Uddeen", "মিয়া|Miah|Mia|Mian", "চৌধুরী|Chowdhury|Chowdhuri|Choudhury", "সরকার|Sarker|Sarkar|Shorkar",
        "আলম|Alam|Allam", "খান|Khan|Kahn",
    ],
};

#[rustfmt::skip]
const TIGRINYA: Table = Table {
    latin_native: false,
    cyrillic: false,
    male: &[
        "ዳዊት|Dawit|Dawitt|Davit", "ሰለሞን|Solomon|Selomon|Salomon", "ተስፋይ|Tesfay|Tesfai|Tesfaye", "ሃብቶም|Habtom|Habtum",
        "ዮናስ|Yonas|Jonas|Yonnas", "ሚካኤል|Mikael|Michael|Mikiel", "ዮሃንስ|Yohannes|Johannes|Yohanes", "ብርሃነ|Berhane|Birhane|Brhane",
        "ክብሮም|Kibrom|Kebrom", "ሙሴ|Muse|Musie|Mussie",
    ],
    female: &["ሳባ|Saba|Sabah", "ሄለን|Helen|Hellen|Elen", "ሉላ|Lula|Loula"],
    surnames: &[
        "ገብረሂወት|Gebrehiwet|Ghebrehiwet|Gebrehiwot", "ተኽለ|Tekle|Teklay|Tecle", "ኪዳነ|Kidane|Kidanu",
        "ገብረመድህን|Gebremedhin|Ghebremedhin", "ሃይለ|Haile|Hayle", "በረኸት|Bereket|Berekhet", "መብራህቱ|Mebrahtu|Mebrahtom",
        "ወልዱ|Woldu|Weldu|Wolde",
    ],
};

fn table(c: Culture) -> &'static Table {
    match c {
        Culture::Serbian => &SERBIAN,
        Culture::Macedonian => &MACEDONIAN,
        Culture::Bosnian => &BOSNIAN,
        Culture::Albanian => &ALBANIAN,
        Culture::Bulgarian => &BULGARIAN,
        Culture::Greek => &GREEK,
        Culture::Turkish => &TURKISH,
        Culture::Arabic => &ARABIC,
        Culture::Persian => &PERSIAN,
        Culture::Urdu => &URDU,
        Culture::Bengali => &BENGALI,
        Culture::Tigrinya => &TIGRINYA,
    }
}

/// One name part: its native form and its Latin spellings (official first).
#[derive(Debug, Clone, Copy)]
pub struct Entry(&'static str, bool);

impl Entry {
    /// The form in the culture's own script.
    pub fn native(self) -> &'static str {
        self.0.split('|').next().unwrap_or(self.0)
    }

    /// The Latin spellings, official first.
    pub fn latin(self) -> impl Iterator<Item = &'static str> {
        let skip = usize::from(!self.1);
        self.0.split('|').skip(skip)
    }

    /// The official or passport romanisation.
    pub fn official(self) -> &'static str {
        self.latin().next().unwrap_or(self.0)
    }

    fn variant(self, rng: &mut Rng) -> &'static str {
        let n = self.latin().count();
        self.latin().nth(rng.random_range(0..n.max(1))).unwrap_or(self.0)
    }
}

/// A person's true name: indices into the culture's tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Name {
    pub culture: Culture,
    pub female: bool,
    given: u16,
    father: u16,
    surname: u16,
}

impl Name {
    /// A random name of the culture.
    pub fn random(rng: &mut Rng, culture: Culture, female: bool) -> Name {
        let t = table(culture);
        let given_len = if female { t.female.len() } else { t.male.len() };
        Name {
            culture,
            female,
            given: rng.random_range(0..given_len) as u16,
            father: rng.random_range(0..t.male.len()) as u16,
            surname: rng.random_range(0..t.surnames.len()) as u16,
        }
    }

    /// A relative: same culture and surname, another given name.
    pub fn relative(&self, rng: &mut Rng) -> Name {
        Name {
            surname: self.surname,
            ..Name::random(rng, self.culture, false)
        }
    }

    /// The given name.
    pub fn given(&self) -> Entry {
        let t = table(self.culture);
        let list = if self.female { t.female } else { t.male };
        Entry(list[self.given as usize % list.len()], table(self.culture).latin_native)
    }

    /// The father's given name (patronymic records).
    pub fn father(&self) -> Entry {
        let t = table(self.culture);
        Entry(t.male[self.father as usize % t.male.len()], t.latin_native)
    }

    /// The family name.
    pub fn surname(&self) -> Entry {
        let t = table(self.culture);
        Entry(t.surnames[self.surname as usize % t.surnames.len()], t.latin_native)
    }

    /// Given name and surname as a passport prints them (official Latin, upper case).
    pub fn passport(&self) -> (String, String) {
        (
            self.given().official().to_uppercase(),
            self.surname().official().to_uppercase(),
        )
    }

    /// The name in its native script, as the person writes it.
    pub fn native_full(&self) -> String {
        if LATIN_ONLY.with(std::cell::Cell::get) {
            return format!("{} {}", self.given().official(), self.surname().official());
        }
        format!("{} {}", self.given().native(), self.surname().native())
    }
}

/// The language conventions of the agency writing a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// Serbian, Bosnian, Montenegrin: Latin with diacritics, sometimes Cyrillic.
    Sr,
    /// Macedonian Cyrillic.
    Mk,
    /// Bulgarian Cyrillic.
    Bg,
    /// Albanian.
    Sq,
    /// Greek.
    El,
    /// English (Frontex, UK).
    En,
}

/// How a name part is written in one record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum How {
    Native,
    Official,
    Phonetic,
    Ascii,
    Upper,
    Cyrillic,
}

fn how(rng: &mut Rng, lang: Lang, culture: Culture) -> How {
    let t = table(culture);
    let own = match lang {
        Lang::Sr => matches!(culture, Culture::Serbian | Culture::Bosnian),
        Lang::Mk => matches!(culture, Culture::Macedonian | Culture::Serbian | Culture::Bulgarian),
        Lang::Bg => matches!(culture, Culture::Bulgarian | Culture::Macedonian),
        Lang::Sq => culture == Culture::Albanian,
        Lang::El => culture == Culture::Greek,
        Lang::En => false,
    };
    let r: f64 = rng.random();
    match (lang, own) {
        (Lang::Sr, true) if t.cyrillic && r < 0.2 => How::Native,
        (Lang::Sr, true) => {
            if r < 0.85 {
                How::Official
            } else {
                How::Ascii
            }
        }
        (Lang::Sr, false) if t.latin_native => {
            if r < 0.6 {
                How::Official
            } else {
                How::Ascii
            }
        }
        (Lang::Mk | Lang::Bg, true) => {
            if r < 0.85 {
                How::Native
            } else {
                How::Official
            }
        }
        (Lang::Mk | Lang::Bg, false) => {
            if r < 0.55 {
                How::Cyrillic
            } else if r < 0.85 {
                How::Phonetic
            } else {
                How::Upper
            }
        }
        (Lang::Sq, true) => {
            if r < 0.7 {
                How::Native
            } else {
                How::Ascii
            }
        }
        (Lang::El, true) => {
            if r < 0.55 {
                How::Native
            } else if r < 0.85 {
                How::Official
            } else {
                How::Upper
            }
        }
        (Lang::El, false) => {
            if r < 0.6 {
                How::Upper
            } else {
                How::Phonetic
            }
        }
        _ => {
            if r < 0.65 {
                How::Phonetic
            } else if r < 0.9 {
                How::Upper
            } else {
                How::Ascii
            }
        }
    }
}

thread_local! {
    /// Set by `generate` for a Latin-only twin of a data set: names that would be
    /// written in their own script (Cyrillic, Greek, Arabic, Ge'ez …) are written in
    /// their Latin spelling instead, drawing the same random numbers, so the twin has
    /// the same people, records and noise as the original.
    pub(crate) static LATIN_ONLY: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

fn spell(rng: &mut Rng, e: Entry, how: How, lang: Lang) -> String {
    let latin = LATIN_ONLY.with(std::cell::Cell::get);
    match how {
        How::Native if latin => e.official().to_string(),
        How::Cyrillic if latin => e.variant(rng).to_string(),
        How::Native => e.native().to_string(),
        How::Official => e.official().to_string(),
        How::Phonetic => e.variant(rng).to_string(),
        How::Ascii => ascii_fold(e.variant(rng)),
        How::Upper => e.official().to_uppercase(),
        How::Cyrillic => to_cyrillic(e.variant(rng), lang),
    }
}

/// A name as one record writes it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Spelled {
    pub given: String,
    pub surname: String,
    pub father: String,
}

/// Writes a name the way an agency of `lang` would, with the noise real records
/// have: variant romanisations, typos, given name and surname swapped.
pub fn spell_name(rng: &mut Rng, name: &Name, lang: Lang) -> Spelled {
    let h = how(rng, lang, name.culture);
    let mut s = Spelled {
        given: spell(rng, name.given(), h, lang),
        surname: spell(rng, name.surname(), h, lang),
        father: spell(rng, name.father(), h, lang),
    };
    if chance(rng, 0.03) {
        s.given = typo(rng, &s.given);
    }
    if chance(rng, 0.03) {
        s.surname = typo(rng, &s.surname);
    }
    if chance(rng, 0.04) {
        std::mem::swap(&mut s.given, &mut s.surname);
    }
    s
}

/// Latin letters without diacritics, as typed on a keyboard without them.
pub fn ascii_fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            'č' | 'ć' | 'ç' => out.push('c'),
            'Č' | 'Ć' | 'Ç' => out.push('C'),
            'đ' => out.push_str("dj"),
            'Đ' => out.push_str("Dj"),
            'š' | 'ş' => out.push('s'),
            'Š' | 'Ş' => out.push('S'),
            'ž' => out.push('z'),
            'Ž' => out.push('Z'),
            'ë' | 'é' | 'è' => out.push('e'),
            'Ë' | 'É' => out.push('E'),
            'ı' | 'ï' => out.push('i'),
            'İ' => out.push('I'),
            'ğ' => out.push('g'),
            'ö' => out.push('o'),
            'Ö' => out.push('O'),
            'ü' => out.push('u'),
            'Ü' => out.push('U'),
            c => out.push(c),
        }
    }
    out
}

/// Transcribes a Latin spelling into Serbian/Macedonian or Bulgarian Cyrillic, as
/// an officer writing a foreign name by ear would.
pub fn to_cyrillic(latin: &str, lang: Lang) -> String {
    let bg = lang == Lang::Bg;
    let lower = latin.to_lowercase();
    let chars: Vec<char> = lower.chars().collect();
    let mut out = String::with_capacity(latin.len() * 2);
    let mut i = 0;
    let at = |k: usize| chars.get(k).copied().unwrap_or(' ');
    let mut word_start = true;
    while i < chars.len() {
        let (a, b) = (at(i), at(i + 1));
        let two = match (a, b) {
            ('s', 'h') => Some("ш"),
            ('c', 'h') => Some("ч"),
            ('z', 'h') => Some("ж"),
            ('k', 'h') => Some("х"),
            ('g', 'h') => Some("г"),
            ('t', 's') => Some("ц"),
            ('t', 'h') => Some("т"),
            ('p', 'h') => Some("ф"),
            ('o', 'u') | ('o', 'o') => Some("у"),
            ('e', 'e') => Some("и"),
            ('d', 'j') => Some(if bg { "дж" } else { "ђ" }),
            ('l', 'j') => Some(if bg { "л" } else { "љ" }),
            ('n', 'j') => Some(if bg { "н" } else { "њ" }),
            ('y', 'a') => Some(if bg { "я" } else { "ја" }),
            ('y', 'u') => Some(if bg { "ю" } else { "ју" }),
            _ => None,
        };
        let piece: String = if let Some(p) = two {
            i += 2;
            p.to_string()
        } else {
            i += 1;
            match a {
                'a' => "а".into(),
                'b' => "б".into(),
                'c' | 'ć' => if bg { "ч" } else { "ц" }.into(),
                'č' | 'ç' => "ч".into(),
                'd' => "д".into(),
                'đ' => if bg { "дж" } else { "ђ" }.into(),
                'e' | 'é' | 'è' => "е".into(),
                'ë' => if bg { "ъ" } else { "е" }.into(),
                'f' => "ф".into(),
                'g' | 'ğ' => "г".into(),
                'h' => "х".into(),
                'i' | 'ï' | 'ı' => "и".into(),
                'j' | 'y' => {
                    if a == 'y' && !word_start && !matches!(at(i), 'a' | 'e' | 'i' | 'o' | 'u') {
                        "и".into()
                    } else if bg {
                        "й".into()
                    } else {
                        "ј".into()
                    }
                }
                'k' | 'q' => "к".into(),
                'l' => "л".into(),
                'm' => "м".into(),
                'n' => "н".into(),
                'o' | 'ö' => "о".into(),
                'p' => "п".into(),
                'r' => "р".into(),
                's' | 'ş' | 'š' => if a == 's' { "с" } else { "ш" }.into(),
                't' => "т".into(),
                'u' | 'ü' => "у".into(),
                'v' | 'w' => "в".into(),
                'x' => "кс".into(),
                'z' => "з".into(),
                'ž' => "ж".into(),
                '\'' => String::new(),
                other => other.to_string(),
            }
        };
        if word_start {
            let mut cs = piece.chars();
            if let Some(first) = cs.next() {
                out.extend(first.to_uppercase());
                out.push_str(cs.as_str());
            }
        } else {
            out.push_str(&piece);
        }
        word_start = matches!(a, ' ' | '-');
    }
    out
}

/// One typing error: a dropped or doubled letter, two letters swapped, a vowel confused.
pub fn typo(rng: &mut Rng, s: &str) -> String {
    let mut cs: Vec<char> = s.chars().collect();
    if cs.len() < 4 {
        return s.to_string();
    }
    let i = rng.random_range(1..cs.len() - 1);
    match rng.random_range(0..4) {
        0 => {
            cs.remove(i);
        }
        1 => cs.insert(i, cs[i]),
        2 => cs.swap(i, i + 1),
        _ => {
            cs[i] = match cs[i] {
                'a' => 'e',
                'e' => 'a',
                'i' => 'y',
                'y' => 'i',
                'o' => 'u',
                'u' => 'o',
                c => c,
            };
        }
    }
    cs.into_iter().collect()
}

/// Nicknames facilitators are known by in phones and debriefings.
pub const NICKNAMES: &[&str] = &[
    "Doktor", "Šef", "Kapetan", "Abu Ali", "Baba", "Kralj", "Crni", "Mali", "Turčin", "Avganac", "Hadži", "Šakal",
    "Profesor", "Abu Omar", "Kaka", "Haji", "Dayi", "Bratko", "Lisica", "Kum",
];

/// Picks a nickname.
pub fn nickname(rng: &mut Rng) -> &'static str {
    pick_code(rng, NICKNAMES)
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;

    use super::*;

    #[test]
    fn entries_give_native_and_latin_forms() {
        let e = Entry(SERBIAN.surnames[0], false);
        assert_eq!(e.native(), "Ђорђевић");
        assert_eq!(e.official(), "Đorđević");
        assert!(e.latin().any(|v| v == "Dordevic"));
        let b = Entry(BOSNIAN.surnames[0], true);
        assert_eq!(b.native(), "Hodžić");
        assert_eq!(b.official(), "Hodžić");
    }

    #[test]
    fn every_official_form_has_an_mrz_transliteration() {
        for t in [
            &SERBIAN,
            &MACEDONIAN,
            &BOSNIAN,
            &ALBANIAN,
            &BULGARIAN,
            &GREEK,
            &TURKISH,
            &ARABIC,
            &PERSIAN,
            &URDU,
            &BENGALI,
            &TIGRINYA,
        ] {
            for e in t.male.iter().chain(t.female).chain(t.surnames) {
                let off = Entry(e, t.latin_native).official();
                assert!(corridor_mrz::mrz_name_part(off).is_some(), "{e}");
                assert!(Entry(e, t.latin_native).latin().count() >= 1);
            }
        }
    }

    #[test]
    fn cyrillic_transcription_reads_naturally() {
        assert_eq!(to_cyrillic("Mohammed Al-Hassan", Lang::Mk), "Мохаммед Ал-Хассан");
        assert_eq!(to_cyrillic("Yusuf", Lang::Bg), "Юсуф");
        assert_eq!(to_cyrillic("Yilmaz", Lang::Bg), "Йилмаз");
        assert_eq!(to_cyrillic("Shahid", Lang::Sr), "Шахид");
        assert_eq!(ascii_fold("Đorđević"), "Djordjevic");
    }

    #[test]
    fn typos_change_but_keep_the_name_recognisable() {
        let mut rng = Rng::seed_from_u64(1);
        for _ in 0..50 {
            let t = typo(&mut rng, "Mohammed");
            assert!((7..=9).contains(&t.chars().count()));
        }
    }
}
