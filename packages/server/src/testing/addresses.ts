/**
 * A shipping address in Bandung that the shipping and order services accept: what tests and the
 * checkout benchmark send as a checkout's `shippingAddress`. It imports nothing, so the benchmark's
 * load generator can use it without loading the server.
 */
export const TEST_ADDRESS = {
  recipientName: 'Siti Rahma',
  phone: '+6281234567890',
  line1: 'Jl. Braga No. 10',
  line2: null,
  city: 'Bandung',
  region: 'Jawa Barat',
  postalCode: '40111',
  countryCode: 'ID',
};
