/** What the customer forms send: every field as typed (strings), so nothing is ever lost. */
export interface CustomerFormValues {
  name: string;
  street: string;
  city: string;
  region: string;
  postalCode: string;
  country: string;
}
