/** Domain rejections: values returned by `decide`, with codes identical to the HTTP API's. */
export type CustomerError =
  | { code: "not_found" }
  | { code: "already_exists" }
  | { code: "customer_archived" }
  | { code: "customer_erased" }
  | { code: "customer_unerasable" };

export const customerErrorMessages: Record<CustomerError["code"], string> = {
  not_found: "No customer with this id exists.",
  already_exists: "A customer with this id already exists.",
  customer_archived: "This customer is archived and can no longer be changed.",
  customer_erased: "This customer's personal data was erased; the customer can no longer be changed.",
  customer_unerasable:
    "This customer was registered before personal data was encrypted, so it cannot be erased by deleting its key (see README, Legacy data).",
};
