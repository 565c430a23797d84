-- INV-1201: the base invoicing schema. InnoDB and utf8mb4 throughout; utf8mb4_unicode_ci because
-- MySQL 8's default collation (utf8mb4_0900_ai_ci) does not exist on MariaDB, where the demo runs.

CREATE TABLE customers (
  id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  name        VARCHAR(200)    NOT NULL,
  email       VARCHAR(320)    NOT NULL,
  created_at  TIMESTAMP       NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (id),
  UNIQUE KEY uq_customers_email (email)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE invoices (
  id           BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  customer_id  BIGINT UNSIGNED NOT NULL,
  number       VARCHAR(32)     NOT NULL,
  status       ENUM('draft', 'issued', 'paid', 'void') NOT NULL DEFAULT 'draft',
  issued_on    DATE            NULL,
  currency     CHAR(3)         NOT NULL DEFAULT 'USD',
  created_at   TIMESTAMP       NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (id),
  UNIQUE KEY uq_invoices_number (number),
  KEY ix_invoices_customer (customer_id),
  CONSTRAINT fk_invoices_customer FOREIGN KEY (customer_id) REFERENCES customers (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE invoice_lines (
  id           BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  invoice_id   BIGINT UNSIGNED NOT NULL,
  line_no      SMALLINT UNSIGNED NOT NULL,
  description  VARCHAR(500)    NOT NULL,
  quantity     DECIMAL(12, 3)  NOT NULL DEFAULT 1,
  unit_price   DECIMAL(12, 2)  NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_invoice_lines_line (invoice_id, line_no),
  CONSTRAINT fk_invoice_lines_invoice FOREIGN KEY (invoice_id) REFERENCES invoices (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
