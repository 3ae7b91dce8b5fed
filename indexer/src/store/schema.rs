//! diesel table declarations of the core entities; the SQL is in
//! `migrations/{sqlite,postgres}/*_core`. Taxonomy tables are declared in
//! `store::taxonomy`.

diesel::table! {
    organizations (id) {
        id -> BigInt,
        kind -> Text,
        name -> Text,
        business_id -> Nullable<Text>,
        municipality_code -> Nullable<Text>,
        created_at -> Timestamp,
        industry_code -> Nullable<Text>,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> BigInt,
        org_id -> BigInt,
        role -> Text,
        label -> Text,
        secret_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    vacancies (id) {
        id -> BigInt,
        source -> Text,
        source_id -> Text,
        owner_org_id -> BigInt,
        title -> Text,
        description -> Text,
        ad_language -> Text,
        employer_name -> Nullable<Text>,
        occupation_uri -> Nullable<Text>,
        isco_code -> Nullable<Text>,
        industry_code -> Nullable<Text>,
        municipality_code -> Nullable<Text>,
        lat -> Nullable<Double>,
        lon -> Nullable<Double>,
        remote -> Text,
        work_time -> Text,
        contract_type -> Text,
        positions -> Integer,
        salary_min_eur -> Nullable<Integer>,
        salary_max_eur -> Nullable<Integer>,
        start_date -> Nullable<Date>,
        expires_at -> Nullable<Timestamp>,
        visibility -> Text,
        status -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        fingerprint -> Nullable<Text>,
    }
}

diesel::table! {
    vacancy_skills (vacancy_id, position) {
        vacancy_id -> BigInt,
        position -> Integer,
        skill_uri -> Nullable<Text>,
        label -> Text,
        importance -> Text,
    }
}

diesel::table! {
    vacancy_languages (vacancy_id, language) {
        vacancy_id -> BigInt,
        language -> Text,
        level -> Text,
        hard -> Bool,
    }
}

diesel::table! {
    vacancy_licences (vacancy_id, licence) {
        vacancy_id -> BigInt,
        licence -> Text,
        hard -> Bool,
    }
}

diesel::table! {
    vacancy_certificates (vacancy_id, certificate) {
        vacancy_id -> BigInt,
        certificate -> Text,
        hard -> Bool,
    }
}

diesel::table! {
    vacancy_shares (vacancy_id, agency_org_id) {
        vacancy_id -> BigInt,
        agency_org_id -> BigInt,
    }
}

diesel::table! {
    profiles (id) {
        id -> BigInt,
        pseudonym -> Text,
        managing_org_id -> BigInt,
        home_municipality_code -> Nullable<Text>,
        abroad_country -> Nullable<Text>,
        max_commute_km -> Integer,
        relocation -> Text,
        remote_preference -> Text,
        education_level -> Nullable<Integer>,
        education_field -> Nullable<Text>,
        work_time_preference -> Text,
        available_from -> Nullable<Date>,
        consent_agencies -> Bool,
        consent_expires_at -> Nullable<Timestamp>,
        status -> Text,
        last_active_at -> Timestamp,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        source -> Nullable<Text>,
        source_id -> Nullable<Text>,
    }
}

diesel::table! {
    profile_contacts (profile_id) {
        profile_id -> BigInt,
        full_name -> Text,
        email -> Nullable<Text>,
        phone -> Nullable<Text>,
        notes -> Nullable<Text>,
    }
}

diesel::table! {
    profile_skills (profile_id, position) {
        profile_id -> BigInt,
        position -> Integer,
        skill_uri -> Nullable<Text>,
        label -> Text,
    }
}

diesel::table! {
    profile_desired_occupations (profile_id, occupation_uri) {
        profile_id -> BigInt,
        occupation_uri -> Text,
    }
}

diesel::table! {
    profile_work_history (profile_id, position) {
        profile_id -> BigInt,
        position -> Integer,
        occupation_uri -> Nullable<Text>,
        title -> Text,
        years -> Double,
    }
}

diesel::table! {
    profile_languages (profile_id, language) {
        profile_id -> BigInt,
        language -> Text,
        level -> Text,
    }
}

diesel::table! {
    profile_licences (profile_id, licence) {
        profile_id -> BigInt,
        licence -> Text,
    }
}

diesel::table! {
    profile_certificates (profile_id, certificate) {
        profile_id -> BigInt,
        certificate -> Text,
    }
}

diesel::table! {
    profile_relocation_regions (profile_id, region_code) {
        profile_id -> BigInt,
        region_code -> Text,
    }
}

diesel::table! {
    cohorts (id) {
        id -> BigInt,
        name -> Text,
        employer_name -> Text,
        created_by_org_id -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    cohort_members (cohort_id, profile_id) {
        cohort_id -> BigInt,
        profile_id -> BigInt,
    }
}

diesel::table! {
    introductions (id) {
        id -> BigInt,
        vacancy_id -> BigInt,
        profile_id -> BigInt,
        adviser_org_id -> BigInt,
        created_at -> Timestamp,
        status -> Text,
        reason -> Nullable<Text>,
        start_date -> Nullable<Date>,
        moved_region -> Nullable<Bool>,
        match_request_id -> Nullable<Text>,
        version -> BigInt,
        updated_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    placements (id) {
        id -> BigInt,
        introduction_id -> Nullable<BigInt>,
        profile_id -> Nullable<BigInt>,
        vacancy_id -> Nullable<BigInt>,
        adviser_org_id -> BigInt,
        hired_at -> Timestamp,
        start_date -> Nullable<Date>,
        from_municipality_code -> Nullable<Text>,
        from_region_code -> Text,
        to_municipality_code -> Nullable<Text>,
        to_region_code -> Text,
        occupation_uri -> Nullable<Text>,
        isco_code -> Nullable<Text>,
        industry_code -> Nullable<Text>,
        moved_region -> Bool,
        vacancy_created_at -> Timestamp,
        introductions_to_vacancy -> Integer,
    }
}

diesel::table! {
    outreach_campaigns (id) {
        id -> BigInt,
        name -> Text,
        region_code -> Nullable<Text>,
        starts_on -> Date,
        ends_on -> Nullable<Date>,
        created_by_org_id -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    outreach_campaign_firms (campaign_id, firm_org_id) {
        campaign_id -> BigInt,
        firm_org_id -> BigInt,
        office_org_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    outreach_contacts (id) {
        id -> BigInt,
        firm_org_id -> BigInt,
        office_org_id -> BigInt,
        campaign_id -> Nullable<BigInt>,
        contacted_on -> Date,
        channel -> Text,
        no_need -> Bool,
        layoff_people -> Nullable<Integer>,
        layoff_on -> Nullable<Date>,
        follow_up_on -> Nullable<Date>,
        notes -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    outreach_needs (id) {
        id -> BigInt,
        contact_id -> BigInt,
        occupation_uri -> Text,
        positions -> Integer,
        needed_by -> Nullable<Date>,
        vacancy_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    picture_snapshots (day) {
        day -> Date,
        taken_at -> Timestamp,
        tallies -> Text,
    }
}

diesel::table! {
    outbox (id) {
        id -> BigInt,
        entity -> Text,
        entity_id -> BigInt,
        op -> Text,
        version -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    audit_events (id) {
        id -> BigInt,
        at -> Timestamp,
        org_id -> Nullable<BigInt>,
        token_id -> Nullable<BigInt>,
        role -> Nullable<Text>,
        action -> Text,
        subject_kind -> Text,
        subject_id -> Text,
        reason -> Nullable<Text>,
        request_id -> Text,
        prev_hash -> Text,
        hash -> Text,
    }
}

diesel::table! {
    match_log (id) {
        id -> BigInt,
        at -> Timestamp,
        request_id -> Text,
        org_id -> Nullable<BigInt>,
        token_id -> Nullable<BigInt>,
        direction -> Text,
        subject_id -> Nullable<BigInt>,
        config_hash -> Text,
        taxonomy_version -> Text,
        request_json -> Text,
        results_json -> Text,
    }
}

diesel::joinable!(api_tokens -> organizations (org_id));
diesel::joinable!(vacancy_skills -> vacancies (vacancy_id));
diesel::joinable!(profile_skills -> profiles (profile_id));

diesel::allow_tables_to_appear_in_same_query!(
    organizations,
    api_tokens,
    vacancies,
    vacancy_skills,
    vacancy_languages,
    vacancy_licences,
    vacancy_certificates,
    vacancy_shares,
    profiles,
    profile_contacts,
    profile_skills,
    profile_desired_occupations,
    profile_work_history,
    profile_languages,
    profile_licences,
    profile_certificates,
    profile_relocation_regions,
    cohorts,
    cohort_members,
    introductions,
    placements,
    outreach_campaigns,
    outreach_campaign_firms,
    outreach_contacts,
    outreach_needs,
    picture_snapshots,
    outbox,
    audit_events,
    match_log,
);
