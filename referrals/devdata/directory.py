"""The demo service directory: the agencies the seed articles name (health, education, civil
registry, manpower, trade, planning, zakat board, CSR forum, hospital, puskesmas, Puskesos) and
Dinsos P3A's own services, each with documents, opening hours and an SLA."""

import datetime

from onegate.agencies.models import AgencyKind

OFFICE_HOURS = [(0, 3, "07:30", "16:00"), (4, 4, "07:30", "11:00")]  # Monday–Thursday, Friday
PUSKESMAS_HOURS = [(0, 5, "07:30", "14:00")]
HOSPITAL_HOURS = [(0, 6, "00:00", "23:59")]

# code: (name, kind, address, phone, description, contact (name, title))
AGENCIES = {
    "dinsos": (
        "Dinas Sosial P3A Kota Mojokerto",
        AgencyKind.SOCIAL_OFFICE,
        "Jl. Raya Ijen No. 20",
        "(0321) 321456",
        "Dinas Sosial, Pemberdayaan Perempuan dan Perlindungan Anak: SLRT, rehabilitasi sosial, jaminan sosial, perlindungan perempuan dan anak.",
        ("Petugas SLRT", "Koordinator layanan rujukan"),
    ),
    "dinkes": (
        "Dinas Kesehatan Kota Mojokerto",
        AgencyKind.HEALTH,
        "Jl. Bhayangkara No. 14",
        "(0321) 322590",
        "Jaminan kesehatan daerah, PBI-JK, kesehatan jiwa dan layanan puskesmas.",
        ("Petugas Jamkesda", "Seksi Jaminan Kesehatan"),
    ),
    "disdik": (
        "Dinas Pendidikan Kota Mojokerto",
        AgencyKind.GOVERNMENT,
        "Jl. Pemuda No. 5",
        "(0321) 323112",
        "Beasiswa, Program Indonesia Pintar dan layanan kembali bersekolah.",
        ("Petugas PIP", "Seksi Peserta Didik"),
    ),
    "disdukcapil": (
        "Dinas Kependudukan dan Pencatatan Sipil Kota Mojokerto",
        AgencyKind.GOVERNMENT,
        "Jl. Gajah Mada No. 145",
        "(0321) 390011",
        "KTP-el, Kartu Keluarga, akta kelahiran dan layanan jemput bola.",
        ("Petugas jemput bola", "Bidang Pelayanan Pendaftaran Penduduk"),
    ),
    "disnaker": (
        "Dinas Tenaga Kerja Kota Mojokerto",
        AgencyKind.GOVERNMENT,
        "Jl. Kartini No. 7",
        "(0321) 325520",
        "Pelatihan kerja dan penempatan tenaga kerja.",
        ("Petugas antar kerja", "Seksi Penempatan"),
    ),
    "disperindag": (
        "Dinas Perindustrian dan Perdagangan Kota Mojokerto",
        AgencyKind.GOVERNMENT,
        "Jl. Benteng Pancasila No. 9",
        "(0321) 326730",
        "Pembinaan usaha mikro dan bantuan peralatan usaha.",
        ("Petugas UMKM", "Bidang Industri"),
    ),
    "bappeko": (
        "Badan Perencanaan Pembangunan Kota Mojokerto (Bappeko)",
        AgencyKind.GOVERNMENT,
        "Jl. Gajah Mada No. 100",
        "(0321) 321230",
        "Perencanaan program penanggulangan kemiskinan berdasarkan satu data.",
        ("Petugas data", "Bidang Sosial Budaya"),
    ),
    "baznas": (
        "BAZNAS Kota Mojokerto",
        AgencyKind.ZAKAT,
        "Jl. Jaksa Agung Suprapto No. 2",
        "(0321) 327788",
        "Badan Amil Zakat Nasional: bantuan konsumtif dan produktif bagi mustahik.",
        ("Petugas pendistribusian", "Bidang Pendistribusian"),
    ),
    "forum-csr": (
        "Forum CSR Kota Mojokerto",
        AgencyKind.CSR,
        "Jl. Mojopahit No. 110",
        "0812 3300 4455",
        "Forum tanggung jawab sosial perusahaan: bedah rumah dan modal usaha.",
        ("Sekretariat Forum CSR", "Sekretaris"),
    ),
    "rsud": (
        "RSUD Dr. Wahidin Sudiro Husodo Kota Mojokerto",
        AgencyKind.HEALTH,
        "Jl. Raya Surodinawan",
        "(0321) 393851",
        "Rumah sakit umum daerah: rawat jalan, rawat inap, rehabilitasi medik.",
        ("Petugas pengaduan pasien", "Instalasi Humas"),
    ),
    "puskesmas-kedundung": (
        "Puskesmas Kedundung",
        AgencyKind.HEALTH,
        "Jl. Kedundung No. 37",
        "(0321) 329922",
        "Pusat kesehatan masyarakat: pemeriksaan, surat keterangan dan kunjungan rumah.",
        ("Petugas perkesmas", "Perawat koordinator"),
    ),
    "puskesos-wates": (
        "Puskesos Kelurahan Wates",
        AgencyKind.SOCIAL_OFFICE,
        "Kantor Kelurahan Wates, Jl. Empunala",
        "0813 3100 2200",
        "Pusat Kesejahteraan Sosial di kelurahan: pendataan, kunjungan rumah dan pendampingan.",
        ("Fasilitator Puskesos", "Koordinator"),
    ),
}

KTP_KK = ["KTP", "Kartu Keluarga (KK)"]

# agency code: [(service name, category, SLA days, description, eligibility, how to apply, documents, hours)]
SERVICES = {
    "dinsos": [
        (
            "Asistensi Rehabilitasi Sosial (ATENSI)",
            "rehabilitasi",
            10,
            "Dukungan pemenuhan hidup layak, perawatan sosial, terapi dan dukungan keluarga bagi PPKS.",
            "Anak, lansia, penyandang disabilitas, ODGJ dan korban bencana atau tindak kekerasan.",
            "Dirujuk dari SLRT/Puskesos setelah asesmen pekerja sosial.",
            KTP_KK + ["Hasil asesmen pekerja sosial"],
            OFFICE_HOURS,
        ),
        (
            "Bantuan alat bantu disabilitas",
            "disabilitas",
            20,
            "Kursi roda, kruk, alat bantu dengar, tongkat netra dan alat bantu lain.",
            "Penyandang disabilitas dari keluarga miskin atau rentan, terdaftar di DTSEN.",
            "Ajukan melalui SLRT dengan rekomendasi dokter atau terapis.",
            KTP_KK + ["Surat keterangan dokter", "Foto kondisi"],
            OFFICE_HOURS,
        ),
        (
            "Pendampingan PKH",
            "bansos",
            10,
            "Pendampingan keluarga penerima PKH: verifikasi komitmen, pertemuan kelompok, pemutakhiran data.",
            "Keluarga penerima manfaat PKH.",
            "Melalui pendamping PKH kelurahan atau SLRT.",
            KTP_KK + ["Kartu Keluarga Sejahtera (KKS)"],
            OFFICE_HOURS,
        ),
        (
            "Perlindungan perempuan dan anak (UPTD PPA)",
            "perlindungan",
            1,
            "Penjangkauan, pendampingan hukum dan psikologis, rumah aman bagi korban kekerasan.",
            "Perempuan dan anak korban kekerasan.",
            "Segera: datang, telepon atau dirujuk oleh siapa saja.",
            [],
            OFFICE_HOURS,
        ),
        (
            "Usulan masuk DTSEN",
            "bansos",
            10,
            "Pengusulan dan perbaikan data keluarga miskin di Data Tunggal Sosial Ekonomi Nasional.",
            "Warga Kota Mojokerto yang miskin atau rentan dan belum terdata.",
            "Musyawarah kelurahan, lalu verifikasi kunjungan rumah.",
            KTP_KK + ["Surat Keterangan Tidak Mampu (SKTM)"],
            OFFICE_HOURS,
        ),
    ],
    "dinkes": [
        (
            "Pendaftaran PBI-JK daerah",
            "kesehatan",
            5,
            "Pendaftaran BPJS Kesehatan yang iurannya dibayar pemerintah daerah.",
            "Warga miskin atau rentan ber-KTP Kota Mojokerto yang belum memiliki jaminan kesehatan.",
            "Rujukan SLRT dengan dokumen lengkap; kartu aktif setelah verifikasi.",
            KTP_KK + ["SKTM"],
            OFFICE_HOURS,
        ),
        (
            "Reaktivasi kepesertaan PBI-JK",
            "kesehatan",
            3,
            "Pengaktifan kembali kartu PBI-JK yang dinonaktifkan.",
            "Peserta PBI-JK yang kartunya nonaktif dan masih miskin atau sakit kronis.",
            "Rujukan SLRT atau surat dari fasilitas kesehatan.",
            KTP_KK + ["Kartu BPJS", "Surat keterangan dari puskesmas atau rumah sakit"],
            OFFICE_HOURS,
        ),
        (
            "Layanan kesehatan jiwa dan bebas pasung",
            "kesehatan",
            3,
            "Penjangkauan ODGJ, pengobatan, dan pelepasan pasung bersama puskesmas dan RSUD.",
            "Orang dengan gangguan jiwa, terutama yang dipasung atau terlantar.",
            "Laporan warga atau rujukan SLRT; tim datang ke rumah.",
            [],
            OFFICE_HOURS,
        ),
    ],
    "disdik": [
        (
            "Program Indonesia Pintar (PIP) dan beasiswa daerah",
            "pendidikan",
            10,
            "Bantuan biaya pendidikan bagi siswa dari keluarga miskin.",
            "Siswa SD–SMA dari keluarga terdaftar di DTSEN atau pemegang KIP.",
            "Diusulkan sekolah atau dirujuk SLRT.",
            KTP_KK + ["Kartu Indonesia Pintar (KIP)", "Surat keterangan aktif sekolah"],
            OFFICE_HOURS,
        ),
        (
            "Kembali bersekolah",
            "pendidikan",
            10,
            "Pendampingan anak putus sekolah untuk kembali ke sekolah formal atau kejar paket.",
            "Anak usia 7–18 tahun yang putus sekolah.",
            "Rujukan SLRT; petugas menghubungi keluarga.",
            KTP_KK + ["Rapor atau ijazah terakhir"],
            OFFICE_HOURS,
        ),
    ],
    "disdukcapil": [
        (
            "Perekaman KTP-el",
            "adminduk",
            5,
            "Perekaman dan pencetakan KTP elektronik.",
            "Warga berusia 17 tahun ke atas atau sudah menikah.",
            "Datang ke kantor atau layanan jemput bola.",
            ["Kartu Keluarga (KK)"],
            OFFICE_HOURS,
        ),
        (
            "Penerbitan Kartu Keluarga",
            "adminduk",
            3,
            "Kartu Keluarga baru, perubahan atau hilang.",
            "Semua warga.",
            "Datang ke kantor, kelurahan, atau melalui rujukan SLRT.",
            ["Surat pengantar RT/RW", "Kartu Keluarga lama (bila ada)"],
            OFFICE_HOURS,
        ),
        (
            "Akta kelahiran",
            "adminduk",
            5,
            "Penerbitan akta kelahiran, termasuk yang terlambat.",
            "Semua warga.",
            "Datang ke kantor atau dirujuk SLRT.",
            ["Kartu Keluarga (KK)", "Surat keterangan lahir", "Buku nikah orang tua (bila ada)"],
            OFFICE_HOURS,
        ),
        (
            "Adminduk jemput bola",
            "adminduk",
            10,
            "Perekaman dan penerbitan dokumen di rumah bagi penyandang disabilitas, lansia, ODGJ dan orang terlantar tanpa NIK.",
            "Warga yang tidak dapat datang ke kantor.",
            "Rujukan SLRT dengan alamat dan kondisi orang.",
            [],
            OFFICE_HOURS,
        ),
    ],
    "disnaker": [
        (
            "Pelatihan kerja berbasis kompetensi",
            "ekonomi",
            15,
            "Pelatihan menjahit, las, tata boga, komputer dan lain-lain.",
            "Pencari kerja usia 17–45 tahun, diutamakan dari keluarga miskin.",
            "Mendaftar pada angkatan pelatihan berikutnya.",
            KTP_KK + ["Kartu pencari kerja (AK/1)"],
            OFFICE_HOURS,
        ),
        (
            "Penempatan kerja",
            "ekonomi",
            10,
            "Informasi lowongan, bursa kerja dan penyaluran tenaga kerja.",
            "Pencari kerja.",
            "Membuat kartu AK/1 lalu mengikuti bursa kerja.",
            ["KTP", "Ijazah terakhir", "Pas foto"],
            OFFICE_HOURS,
        ),
    ],
    "disperindag": [
        (
            "Bantuan peralatan usaha mikro",
            "ekonomi",
            20,
            "Peralatan usaha dan pendampingan bagi usaha mikro keluarga miskin.",
            "Pelaku usaha mikro dari keluarga terdaftar di DTSEN.",
            "Rujukan SLRT atau proposal kelompok usaha.",
            KTP_KK + ["Surat keterangan usaha dari kelurahan"],
            OFFICE_HOURS,
        ),
    ],
    "bappeko": [
        (
            "Satu data penanggulangan kemiskinan",
            "lainnya",
            15,
            "Penggunaan data terpadu untuk merencanakan program lintas perangkat daerah.",
            "Perangkat daerah dan mitra.",
            "Permintaan data melalui surat resmi.",
            [],
            OFFICE_HOURS,
        ),
    ],
    "baznas": [
        (
            "Bantuan konsumtif fakir miskin",
            "bansos",
            10,
            "Bantuan kebutuhan dasar bagi mustahik.",
            "Fakir miskin beragama Islam di Kota Mojokerto.",
            "Rekomendasi SLRT atau takmir masjid, lalu survei.",
            KTP_KK + ["SKTM"],
            OFFICE_HOURS,
        ),
        (
            "Bantuan biaya pendidikan",
            "pendidikan",
            15,
            "Beasiswa bagi siswa dan mahasiswa dari keluarga mustahik.",
            "Siswa dan mahasiswa dari keluarga miskin.",
            "Mengajukan permohonan dengan surat keterangan sekolah.",
            KTP_KK + ["Surat keterangan aktif sekolah"],
            OFFICE_HOURS,
        ),
    ],
    "forum-csr": [
        (
            "Bedah rumah tidak layak huni",
            "perumahan",
            30,
            "Perbaikan rumah tidak layak huni oleh perusahaan anggota forum.",
            "Keluarga miskin yang memiliki rumah dan tanah sendiri.",
            "Rujukan SLRT dengan foto rumah, lalu survei.",
            KTP_KK + ["Bukti kepemilikan tanah", "Foto rumah"],
            OFFICE_HOURS,
        ),
        (
            "Bantuan modal usaha",
            "ekonomi",
            30,
            "Modal bergulir dan pendampingan usaha.",
            "Keluarga miskin dengan usaha mikro berjalan.",
            "Rujukan SLRT atau Disperindag.",
            KTP_KK,
            OFFICE_HOURS,
        ),
    ],
    "rsud": [
        (
            "Rawat inap pasien PBI atau SKTM",
            "kesehatan",
            2,
            "Perawatan inap kelas III bagi pasien PBI-JK atau dengan SKTM.",
            "Pasien dari keluarga miskin.",
            "Melalui IGD atau rujukan puskesmas.",
            KTP_KK + ["Kartu BPJS atau SKTM", "Surat rujukan puskesmas"],
            HOSPITAL_HOURS,
        ),
        (
            "Rehabilitasi medik",
            "disabilitas",
            10,
            "Fisioterapi, terapi wicara dan okupasi.",
            "Pasien dengan rujukan dokter.",
            "Rujukan dari puskesmas.",
            ["Kartu BPJS", "Surat rujukan puskesmas"],
            OFFICE_HOURS,
        ),
    ],
    "puskesmas-kedundung": [
        (
            "Surat keterangan kesehatan",
            "kesehatan",
            2,
            "Pemeriksaan dan surat keterangan sakit atau disabilitas untuk pengajuan bantuan.",
            "Warga wilayah kerja puskesmas.",
            "Datang pada jam layanan.",
            ["KTP", "Kartu BPJS (bila ada)"],
            PUSKESMAS_HOURS,
        ),
        (
            "Kunjungan rumah perawatan kesehatan masyarakat",
            "kesehatan",
            5,
            "Perawat datang ke rumah lansia, penyandang disabilitas atau ODGJ.",
            "Warga yang tidak dapat datang ke puskesmas.",
            "Rujukan SLRT atau kader.",
            [],
            PUSKESMAS_HOURS,
        ),
    ],
    "puskesos-wates": [
        (
            "Kunjungan rumah dan verifikasi kelayakan",
            "bansos",
            7,
            "Kunjungan untuk memastikan kelayakan sebelum layanan diberikan.",
            "Warga Kelurahan Wates.",
            "Rujukan SLRT.",
            [],
            OFFICE_HOURS,
        ),
    ],
}


# Machine-readable eligibility of some services (referrals.eligibility), beside their free text.
# Machine-readable eligibility of the demo services (referrals/eligibility.py); "ppks": the numbers
# of the PPKS categories (Permensos 8/2012), any of.
CRITERIA = {
    ("dinkes", "Pendaftaran PBI-JK daerah"): {"max_decile": 4, "not_receiving_program": "pbi_jk"},
    ("disdukcapil", "Adminduk jemput bola"): {"has_nik": False},
    ("dinsos", "Bantuan alat bantu disabilitas"): {
        "disability_required": True,
        "min_severity": "sedang",
        "device_needed": True,
    },
    ("dinsos", "Asistensi Rehabilitasi Sosial (ATENSI)"): {"ppks": [1, 2, 5, 6, 8, 9, 19, 21]},
    ("dinsos", "Pendampingan PKH"): {"dtks_statuses": ["terdaftar"], "max_decile": 4},
    ("dinsos", "Perlindungan perempuan dan anak (UPTD PPA)"): {"need_domains": ["perlindungan"]},
    ("dinsos", "Usulan masuk DTSEN"): {"dtks_statuses": ["tidak_terdaftar"], "has_nik": True},
    ("disdik", "Program Indonesia Pintar (PIP) dan beasiswa daerah"): {"min_age": 6, "max_age": 18, "max_decile": 4},
    ("disdik", "Kembali bersekolah"): {"min_age": 7, "max_age": 18, "need_domains": ["pendidikan"]},
    ("disdukcapil", "Akta kelahiran"): {"need_domains": ["dokumen"]},
    ("disnaker", "Pelatihan kerja berbasis kompetensi"): {"min_age": 17, "max_age": 45, "need_domains": ["ekonomi"]},
    ("baznas", "Bantuan biaya pendidikan"): {"min_age": 6, "max_age": 24, "max_decile": 4},
    ("forum-csr", "Bedah rumah tidak layak huni"): {"max_decile": 4, "need_domains": ["perumahan"]},
    ("rsud", "Rehabilitasi medik"): {"disability_required": True},
}
# The national programme a demo service delivers (a receipt of it this year counts as receiving it).
PROGRAMS = {
    ("dinkes", "Pendaftaran PBI-JK daerah"): "pbi_jk",
    ("dinsos", "Pendampingan PKH"): "pkh",
    ("dinsos", "Asistensi Rehabilitasi Sosial (ATENSI)"): "atensi",
}


def _add_criteria(service, criteria: dict) -> None:
    from registry.models import PpksCategory
    from registry.reference import ensure_ppks_categories

    from ..models import ServiceCriteria

    criteria = dict(criteria)
    ppks = criteria.pop("ppks", [])
    if ppks:
        ensure_ppks_categories()  # the directory is loaded before the registry's demo step
    made = ServiceCriteria.objects.create(service=service, **criteria)
    made.ppks_categories.set(PpksCategory.objects.filter(code__in=ppks))


def load_directory(city_code: str) -> dict[str, int]:
    """Create what is missing (keeps an administrator's changes); returns counts of what was added."""
    from onegate.agencies.models import Agency

    from ..models import Contact, RequiredDocument, Service, ServiceSchedule

    added = {"agencies": 0, "services": 0}
    for code, (name, kind, address, phone, description, (contact_name, contact_title)) in AGENCIES.items():
        agency, created = Agency.objects.get_or_create(
            code=code, defaults={"name": name, "kind": kind, "region_id": city_code}
        )
        added["agencies"] += created
        changed = False
        for field, value in (
            ("address", address),
            ("phone", phone),
            ("description", description),
            ("postal_code", "61321"),
        ):
            if not getattr(agency, field):
                setattr(agency, field, value)
                changed = True
        if changed:
            agency.save()
        if not agency.contacts.exists():
            Contact.objects.create(
                agency=agency,
                name=contact_name,
                title=contact_title,
                phone=phone,
                email=f"layanan.{code}@demo.onegate.local",
            )
        for s_name, category, sla, text, eligibility, how, documents, hours in SERVICES.get(code, []):
            service, created = Service.objects.get_or_create(
                agency=agency,
                name=s_name,
                defaults={
                    "category": category,
                    "sla_working_days": sla,
                    "description": text,
                    "eligibility": eligibility,
                    "application_process": how,
                    "area_id": city_code,
                    "phone": phone,
                },
            )
            if (code, s_name) in CRITERIA and not hasattr(service, "criteria"):
                _add_criteria(service, CRITERIA[code, s_name])
            if (code, s_name) in PROGRAMS and not service.program:
                service.program = PROGRAMS[code, s_name]
                service.save(update_fields=["program", "updated_at"])
            if not created:
                continue
            added["services"] += 1
            for n, document in enumerate(documents):
                RequiredDocument.objects.create(service=service, document=document, order=n)
            for first, last, opens, closes in hours:
                ServiceSchedule.objects.create(
                    service=service,
                    first_day=first,
                    last_day=last,
                    opens_at=datetime.time.fromisoformat(opens),
                    closes_at=datetime.time.fromisoformat(closes),
                )
    return added
