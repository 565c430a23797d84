-- INV-1207 rollback: only before 2026-11-17-drop-customer-email ran, or its contacts are lost.
DROP TABLE customer_contacts;
