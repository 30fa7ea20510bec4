"""Articles for the site-memory tests: news prose written for these tests
(Indonesian, English, Tagalog), built as :class:`~audit.model.Article` records so a
test controls exactly which paragraphs two pages share."""

from __future__ import annotations

from audit.model import Article, Block

ID_SITE = "https://kabarpesisir.example"
EN_SITE = "https://harbourtimes.example"
EN_OTHER_SITE = "https://straitsdaily.example"
TL_SITE = "https://balitanglungsod.example"

#: The Indonesian site's template line (bottom of every article).
ID_FOOTER = (
    "Kabar Pesisir adalah media warga pantai utara Jawa yang terbit sejak 2009 dan dikelola oleh "
    "Yayasan Pesisir Lestari di Semarang."
)
#: A template line carrying a percentage: page-alone, AQ401 reads it as an unsourced statistic.
ID_PROMO = "Dapatkan potongan harga 50% untuk langganan digital Kabar Pesisir selama bulan ini."
EN_FOOTER = (
    "The Harbour Times is published by Coastal Media Group from its newsroom on Weld Quay in "
    "George Town, Penang."
)
TL_FOOTER = (
    "Ang Balitang Lungsod ay inilalathala ng Samahan ng mga Mamamahayag ng Kalakhang Maynila tuwing "
    "umaga mula Lunes hanggang Sabado."
)


def article(url: str, title: str, paragraphs: list[str], language: str = "id") -> Article:
    blocks = tuple(Block(i, "paragraph", text, language=language) for i, text in enumerate(paragraphs))
    return Article(
        url=url, title=title, headline=title, language=language, blocks=blocks, published="2025-07-01"
    )


BANJIR = [
    "Banjir rob kembali merendam ratusan rumah warga di kawasan pesisir utara Semarang pada Selasa pagi, "
    "setelah air laut pasang lebih tinggi dari biasanya.",
    "Ketinggian air di Kelurahan Tanjung Mas mencapai lutut orang dewasa, sehingga banyak warga memilih "
    "mengungsi ke rumah kerabat di daerah yang lebih tinggi.",
    "Petugas Badan Penanggulangan Bencana Daerah mengerahkan pompa portabel untuk menyedot genangan di "
    "jalan utama menuju pelabuhan.",
    "Warga berharap pemerintah kota segera menuntaskan pembangunan tanggul laut yang dijanjikan sejak dua "
    "tahun lalu agar banjir rob tidak terus berulang.",
]
CABAI = [
    "Harga cabai rawit di sejumlah pasar tradisional Semarang melonjak hingga dua kali lipat dalam sepekan "
    "terakhir akibat pasokan dari petani berkurang.",
    "Pedagang di Pasar Johar mengatakan cabai kini dijual seharga delapan puluh ribu rupiah per kilogram, "
    "padahal bulan lalu masih empat puluh ribu.",
    "Menurut para pedagang, hujan deras yang turun terus-menerus membuat banyak tanaman cabai di lereng "
    "Merapi membusuk sebelum dipanen.",
    "Pemerintah provinsi berencana menggelar operasi pasar untuk menahan kenaikan harga sebelum menjelang "
    "hari raya.",
]
#: The source of the paste: the second paragraph is this article's own body.
MRT = [
    "Badan Kerja Sama Internasional Jepang menandatangani perjanjian pinjaman untuk pembangunan jalur "
    "kereta perkotaan fase kedua di Jakarta.",
    "JICA - 1 Juli, perjanjian pinjaman senilai puluhan miliar yen itu akan membiayai pembangunan stasiun "
    "bawah tanah dan depo kereta di kawasan utara ibu kota.",
    "Pejabat kementerian perhubungan menyebut proyek jalur kereta tersebut ditargetkan rampung dalam lima "
    "tahun dan akan melayani ratusan ribu penumpang setiap hari.",
    "Pembangunan jalur kereta baru juga diharapkan mengurangi kemacetan di jalan-jalan utama Jakarta yang "
    "setiap pagi dipadati kendaraan pribadi.",
]
#: MRT's second paragraph, cut mid-sentence as a length-limited paste is.
PASTE = (
    "JICA - 1 Juli, perjanjian pinjaman senilai puluhan miliar yen itu akan membiayai pembangunan stasiun "
    "bawah tanah dan"
)
SEKOLAH = [
    "Sejumlah sekolah dasar di Kabupaten Demak kembali dibuka pada Senin setelah hampir dua pekan ditutup "
    "karena ruang kelas terendam banjir.",
    "Para guru bersama orang tua murid membersihkan lumpur yang tertinggal di lantai kelas dan mengeringkan "
    "buku-buku pelajaran yang basah.",
    PASTE,
    "Dinas pendidikan setempat menyediakan seragam dan perlengkapan sekolah baru bagi murid yang kehilangan "
    "barang-barangnya akibat banjir.",
    "Kepala sekolah berharap kegiatan belajar mengajar dapat berjalan normal kembali dalam beberapa hari "
    "ke depan.",
]
#: A follow-up on the same loan that quotes MRT's paragraph whole: it belongs here too.
MRT_FOLLOWUP = [
    "Pemerintah Provinsi DKI Jakarta mulai membebaskan lahan untuk depo kereta perkotaan fase kedua di "
    "kawasan utara ibu kota.",
    MRT[1],
    "Gubernur mengatakan pembebasan lahan untuk stasiun bawah tanah dan depo kereta ditargetkan selesai "
    "sebelum akhir tahun agar pembangunan jalur kereta tidak tertunda.",
    "Warga yang lahannya terkena proyek jalur kereta dijanjikan ganti rugi sesuai harga pasar dan bantuan "
    "pindah ke rumah susun terdekat.",
]

FERRY = [
    "The Penang Port Commission said on Monday that the ferry service between George Town and Butterworth "
    "will run every twenty minutes during the school holidays.",
    "Two refurbished ferries, each able to carry four hundred passengers and sixty motorcycles, will join "
    "the Penang ferry fleet next week after safety checks by the marine department.",
    "Ferry passengers have complained for months about long queues at the Butterworth ferry terminal, where "
    "waits of over an hour were common on Friday evenings.",
    "The commission said ferry ticket prices for passengers and motorcycles will stay unchanged until the "
    "end of the year.",
]
#: A paragraph from the ferry story, pasted whole into an unrelated article on another site.
FERRY_PASTE = FERRY[1]
DURIAN = [
    "Durian growers in Balik Pulau expect a bumper durian harvest this season after a long dry spell in "
    "March encouraged the durian trees to flower early.",
    "Growers said Musang King durians are fetching about sixty ringgit a kilogram at roadside stalls, "
    "slightly lower than last year because of the larger harvest.",
    FERRY_PASTE,
    "Durian orchard owners are also opening their orchards to visitors, who can taste freshly fallen "
    "durians under the trees for a fixed fee.",
    "The state agriculture office warned durian buyers to check that roadside stalls display their prices "
    "per kilogram before paying.",
]
HAWKER = [
    "Hawkers at the Gurney Drive food court will move to a new covered site along the seafront while the "
    "old building is repaired, the city council said.",
    "The council said the repairs to the leaking roof and the drainage would take about six months and "
    "cost the city several million ringgit.",
    "Stall owners welcomed the move but asked for more parking near the temporary site, saying that "
    "customers often gave up when they could not find a space.",
    "The new site will open on the first of next month with the same opening hours as before.",
]

PALENGKE = [
    "Inilipat na ng pamahalaang lungsod ang mga nagtitinda ng gulay sa bagong palengke sa tabi ng ilog "
    "matapos masunog ang lumang gusali noong nakaraang buwan.",
    "Ayon sa mga tindera, mas maluwag ang bagong pwesto ngunit mas kaunti pa ang mga mamimiling dumaraan "
    "dahil malayo ito sa sakayan ng dyip.",
    "Nangako ang alkalde na magdaragdag ng mga ruta ng dyip papunta sa palengke bago matapos ang buwan.",
]
BAHA = [
    "Lumubog sa baha ang ilang barangay sa silangang bahagi ng lungsod matapos ang malakas na ulan na "
    "dala ng bagyo nitong Martes ng gabi.",
    "Inilikas ng mga tauhan ng barangay ang mahigit dalawang daang pamilya sa mga paaralan at sa gym ng "
    "munisipyo habang tumataas ang tubig.",
    "Sinabi ng tanggapan ng lungsod para sa kalamidad na bababa ang tubig sa loob ng dalawang araw kung "
    "titigil ang ulan.",
]
KLASE = [
    "Sinuspinde ng lungsod ang klase sa lahat ng antas sa mga pampublikong paaralan dahil sa patuloy na "
    "pag-ulan at pagbaha sa mga pangunahing kalsada.",
    "Pinayuhan ang mga magulang na bantayan ang mga anunsyo ng paaralan sa kanilang mga pahina sa social "
    "media para sa susunod na araw.",
    "Ayon sa tanggapan ng edukasyon, gagamitin ang mga silid-aralan na hindi binaha bilang pansamantalang "
    "tuluyan ng mga inilikas.",
]


def id_site() -> list[Article]:
    """Four articles of one Indonesian site with its footer; the fourth carries a cut paste of the third."""
    return [
        article(f"{ID_SITE}/banjir", "Banjir rob merendam pesisir Semarang", [*BANJIR, ID_FOOTER]),
        article(f"{ID_SITE}/cabai", "Harga cabai melonjak di pasar tradisional", [*CABAI, ID_FOOTER]),
        article(f"{ID_SITE}/mrt", "JICA teken pinjaman untuk jalur kereta baru", [*MRT, ID_FOOTER]),
        article(
            f"{ID_SITE}/sekolah", "Sekolah di Demak kembali dibuka setelah banjir", [*SEKOLAH, ID_FOOTER]
        ),
    ]
