package arcus.losses;
