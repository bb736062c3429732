//! The registry area: citizens, households, companies.

use shimin_backend::store::{CompanyRecord, HouseholdRecord, Store, StoreError};

use super::{LI, ZHANG, citizen};

pub(crate) async fn registry(store: &dyn Store) {
    let mut photographed = citizen(ZHANG, "王秀兰");
    photographed.photo = Some(vec![0xff, 0xd8, 0, 1, 2]);
    photographed.household_number = Some("110105000001".into());
    assert_eq!(
        store.insert_citizens(vec![photographed.clone(), citizen(LI, "张伟")]).await.expect("insert"),
        2
    );
    // Again, with one new citizen: only that one is added, nothing is overwritten.
    let again = vec![citizen(ZHANG, "someone else"), citizen("350102198506112341", "林晓燕")];
    assert_eq!(store.insert_citizens(again).await.expect("insert again"), 1);
    assert_eq!(store.count_citizens().await.expect("count"), 3);
    assert_eq!(store.citizen(ZHANG).await.expect("get"), Some(photographed));
    assert_eq!(store.citizen("110105194912310037").await.expect("get"), None);

    let household = HouseholdRecord {
        number: "110105000001".into(),
        address: "北京".into(),
        head_id_number: ZHANG.into(),
    };
    store.put_household(household.clone()).await.expect("household");
    assert_eq!(store.household("110105000001").await.expect("get"), Some(household));

    let mut company = CompanyRecord {
        credit_code: "91350100M000100Y43".into(),
        name: "某某公司".into(),
        legal_representative: ZHANG.into(),
        supervisor: Some(LI.into()),
        shareholders: vec![LI.into(), ZHANG.into()],
    };
    store.insert_company(company.clone()).await.expect("company");
    company.shareholders.sort();
    assert_eq!(store.company("91350100M000100Y43").await.expect("get"), Some(company.clone()));
    let registered = company.clone();
    assert!(
        matches!(store.insert_company(company.clone()).await, Err(StoreError::Conflict)),
        "a registration never overwrites a company"
    );
    company.shareholders = vec![LI.into()];
    company.supervisor = None;
    assert!(store.change_company(&registered, company.clone()).await.expect("change company"));
    assert_eq!(store.company("91350100M000100Y43").await.expect("get"), Some(company.clone()));
    let stale = CompanyRecord { shareholders: Vec::new(), ..company.clone() };
    assert!(
        !store.change_company(&registered, stale).await.expect("compare"),
        "a change read before another change is refused"
    );
    assert_eq!(store.company("91350100M000100Y43").await.expect("get"), Some(company));
    assert_eq!(store.company("91350100M000100Y44").await.expect("get"), None);
}
