import type { ColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

/** The image-proxy service's tables (schema `image-proxy`). Other services' ids are plain columns. */
export interface ImageProxyDatabase {
  images: {
    id: string;
    store_id: string;
    /** Detected from the bytes at upload, never the client's claim. */
    content_type: string;
    width: number;
    height: number;
    bytes: number;
    /** Where the original lives in blob storage. */
    blob_key: string;
    /** The blob store's validator for the original; part of every variant's ETag. */
    etag: string;
    created_at: Timestamp;
  };
  /** Rendered variants, so that deleting an image can delete them from blob storage too. */
  variants: {
    image_id: string;
    blob_key: string;
    created_at: Timestamp;
  };
  /** Images of products inventory reports as sold out; a product's rows go when it is back in stock. */
  sold_out_images: {
    image_id: string;
    product_id: string;
    store_id: string;
  };
  /** The latest stock event applied per product, so that an older event arriving late changes nothing. */
  product_stock: {
    product_id: string;
    sold_out: boolean;
    changed_at: Timestamp;
  };
  /** This service's own settings, such as the generated variant signing key. */
  settings: {
    key: string;
    value: string;
  };
}
